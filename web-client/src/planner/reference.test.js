import { describe, expect, it, vi } from 'vitest';
import { createReference, layerChoice, needsLoad } from './reference.js';
import { testContext } from './testing.js';

const plan = { layer: 'demo-demand' };
const form = { candidateLayer: 'demo-candidates' };
const layer = (name, kind) => ({ name, kind });

describe('layerChoice', () => {
  it('keeps chosen layers that exist', () => {
    expect(layerChoice([layer('demo-demand', 'demand'), layer('demo-candidates', 'candidate')], plan, form)).toEqual({});
  });

  it('replaces a missing layer by the default of its kind, or else the first', () => {
    const items = [layer('riders', 'demand'), layer('demo-demand', 'demand'), layer('sites', 'candidate')];
    expect(layerChoice(items, { layer: 'gone' }, { candidateLayer: 'gone' })).toEqual({ layer: 'demo-demand', candidateLayer: 'sites' });
  });

  it('leaves a kind alone when the API lists none of it', () => {
    expect(layerChoice([layer('sites', 'candidate')], { layer: 'gone' }, form)).toEqual({ candidateLayer: 'sites' });
    expect(layerChoice([], { layer: 'gone' }, { candidateLayer: 'gone' })).toEqual({});
  });
});

describe('reference data', () => {
  it('loads when never loaded or failed', () => {
    expect(['idle', 'error', 'loading', 'ok'].map((status) => needsLoad({ status }))).toEqual([true, true, false, false]);
  });

  it('loadLayers stores the list and switches to layers that exist', async () => {
    const ctx = testContext(() => ({ items: [layer('riders', 'demand'), layer('sites', 'candidate')] }));
    const setPlan = vi.fn();
    const setSuggestForm = vi.fn();
    await createReference(ctx, { setPlan, setSuggestForm }).loadLayers();
    expect(ctx.store.get().planLayers).toMatchObject({ status: 'ok', data: [{ name: 'riders' }, { name: 'sites' }] });
    expect(setPlan).toHaveBeenCalledWith({ layer: 'riders' });
    expect(setSuggestForm).toHaveBeenCalledWith({ candidateLayer: 'sites' });
  });

  it('a failed district load is kept as an error with no data', async () => {
    const ctx = testContext();
    ctx.fetchImpl.mockImplementation(async () => { throw new TypeError('offline'); });
    await createReference(ctx, { setPlan: vi.fn(), setSuggestForm: vi.fn() }).loadDistricts();
    expect(ctx.store.get().districts).toMatchObject({ status: 'error', data: null, error: { kind: 'network' } });
  });
});
