import { describe, expect, it } from 'vitest';
import { createConfig } from './config.js';
import { json, testContext } from './testing.js';

describe('config', () => {
  it('resolves to the config, or to null with the reason in the state', async () => {
    const ok = testContext(() => ({ default_center: [120, 30] }));
    await expect(createConfig(ok).loadConfig()).resolves.toEqual({ default_center: [120, 30] });
    expect(ok.store.get().configStatus).toBe('ok');
    const down = testContext(() => json({ title: 'Service Unavailable', status: 503 }, 503, 'application/problem+json'));
    await expect(createConfig(down).loadConfig()).resolves.toBeNull();
    expect(down.store.get()).toMatchObject({ configStatus: 'error', configError: { status: 503 } });
  });
});
