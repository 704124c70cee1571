import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { DEVICE_STORAGE_KEY, createDevice, idempotentWrite, isDeviceTokenProblem, newIdempotencyKey } from './writes.js';

const json = (status, body, headers = {}) => new Response(JSON.stringify(body), {
  status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
});

/** A fetch that answers from a script of steps: a Response, or an Error to throw (a dropped connection). */
function scripted(steps) {
  const seen = [];
  const fetchImpl = async (url, init) => {
    seen.push({ url, init });
    const step = steps.shift();
    if (step instanceof Error) throw step;
    return step;
  };
  return { fetchImpl, seen };
}

function memoryStorage() {
  const data = new Map();
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)), removeItem: (k) => data.delete(k), data };
}

describe('newIdempotencyKey', () => {
  it('is a version-4 UUID, with or without crypto.randomUUID', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newIdempotencyKey()).toMatch(uuid);
    expect(newIdempotencyKey({ getRandomValues: (a) => globalThis.crypto.getRandomValues(a) })).toMatch(uuid);
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});

describe('idempotentWrite', () => {
  it('sends the Idempotency-Key and the extra headers with the JSON body', async () => {
    const { fetchImpl, seen } = scripted([json(201, { id: 1 })]);
    const answer = await idempotentWrite('/api/v1/x', { body: { a: 1 }, headers: { 'X-Device-Token': 't' }, key: 'k1', fetchImpl, retryDelayMs: 0 });
    expect(answer).toMatchObject({ status: 201, body: { id: 1 } });
    expect(seen[0].init.method).toBe('POST');
    expect(seen[0].init.headers).toMatchObject({ 'Idempotency-Key': 'k1', 'X-Device-Token': 't', 'Content-Type': 'application/json' });
    expect(JSON.parse(seen[0].init.body)).toEqual({ a: 1 });
  });

  it('retries a network failure once with the same key', async () => {
    const { fetchImpl, seen } = scripted([new TypeError('Failed to fetch'), json(201, { id: 2 })]);
    const answer = await idempotentWrite('/api/v1/x', { body: {}, fetchImpl, retryDelayMs: 0 });
    expect(answer.body).toEqual({ id: 2 });
    expect(seen).toHaveLength(2);
    expect(seen[1].init.headers['Idempotency-Key']).toBe(seen[0].init.headers['Idempotency-Key']);
  });

  it('gives up after the second network failure', async () => {
    const { fetchImpl, seen } = scripted([new TypeError('down'), new TypeError('still down')]);
    await expect(idempotentWrite('/api/v1/x', { body: {}, fetchImpl, retryDelayMs: 0 })).rejects.toMatchObject({ kind: 'network' });
    expect(seen).toHaveLength(2);
  });

  it('never retries an HTTP answer, and keeps its problem and Retry-After', async () => {
    const { fetchImpl, seen } = scripted([json(429, { type: '/problems/rate-limited', title: 'Too many', detail: 'slow down' }, { 'retry-after': '17' })]);
    const err = await idempotentWrite('/api/v1/x', { body: {}, fetchImpl, retryDelayMs: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, type: '/problems/rate-limited', detail: 'slow down', retryAfter: 17 });
    expect(seen).toHaveLength(1);
  });
});

describe('createDevice', () => {
  it('creates a token on first need, keeps it in storage and reuses it', async () => {
    const storage = memoryStorage();
    const { fetchImpl, seen } = scripted([json(201, { id: 12, token: 'smd_abc', trust: 0.8, created_at: '2026-12-01T05:00:00Z' })]);
    const device = createDevice({ storage, fetchImpl });
    const [a, b] = await Promise.all([device.token(), device.token()]);
    expect([a, b]).toEqual(['smd_abc', 'smd_abc']);
    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe('/api/v1/devices');
    expect(JSON.parse(storage.data.get(DEVICE_STORAGE_KEY)).token).toBe('smd_abc');
    expect(await createDevice({ storage, fetchImpl }).token()).toBe('smd_abc');
  });

  it('makes a new token when the server no longer knows the old one, and runs the write again', async () => {
    const storage = memoryStorage();
    storage.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ id: 1, token: 'smd_old' }));
    const { fetchImpl } = scripted([json(201, { id: 2, token: 'smd_new', trust: 0.8, created_at: 'x' })]);
    const device = createDevice({ storage, fetchImpl });
    const used = [];
    const result = await device.withToken(async (token) => {
      used.push(token);
      if (token === 'smd_old') throw new ApiError({ kind: 'http', status: 401, type: '/problems/device-token-required' });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(used).toEqual(['smd_old', 'smd_new']);
  });

  it('passes other problems through untouched', async () => {
    const storage = memoryStorage();
    storage.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ token: 'smd_x' }));
    const device = createDevice({ storage, fetchImpl: () => { throw new Error('no request expected'); } });
    const blocked = new ApiError({ kind: 'http', status: 403, type: '/problems/device-blocked' });
    await expect(device.withToken(() => Promise.reject(blocked))).rejects.toBe(blocked);
    expect(isDeviceTokenProblem(blocked)).toBe(false);
  });
});
