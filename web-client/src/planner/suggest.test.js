import { describe, expect, it, vi } from 'vitest';
import { initialState } from '../state/appState.js';
import { candidateSource, coverBodyFor, createSuggest, suggestBodyFor } from './suggest.js';
import { flush, testContext } from './testing.js';

const base = initialState({ lang: 'zh', view: 'planner' });
const withForm = (change, extra = {}) => ({ ...base, ...extra, suggestForm: { ...base.suggestForm, ...change } });

describe('suggest and cover bodies', () => {
  it('the candidate source is the layer, or a grid over the focused district', () => {
    expect(candidateSource(base)).toEqual({ layer: 'demo-candidates' });
    expect(candidateSource(withForm({ source: 'grid', spacing: 600 }))).toEqual({ grid: { spacing_m: 600 } });
    expect(candidateSource(withForm({ source: 'grid', spacing: 600 }, { focusDistrict: 3 }))).toEqual({ grid: { spacing_m: 600, district: 3 } });
  });

  it('bodies carry the plan and the form; bad input throws RangeError', () => {
    expect(suggestBodyFor(withForm({ p: 3 }))).toMatchObject({ mode: 'ebike', minutes: 15, layer: 'demo-demand', p: 3 });
    expect(coverBodyFor(withForm({ target: 80 }))).toMatchObject({ target_pct: 80, candidates: { layer: 'demo-candidates' } });
    expect(() => suggestBodyFor(withForm({ p: 0 }))).toThrow(RangeError);
    expect(() => coverBodyFor(withForm({ target: 0 }))).toThrow(RangeError);
  });
});

describe('suggest actions', () => {
  it('a refused suggestion keeps the sites shown before', async () => {
    const ctx = testContext(() => ({ sites: [{ rank: 1 }], curve: [] }));
    const shown = vi.fn();
    ctx.events.on('showSites', shown);
    const suggest = createSuggest(ctx);
    await suggest.runSuggest();
    expect(shown).toHaveBeenCalledWith([{ rank: 1 }]);
    suggest.setSuggestForm({ p: 99 });
    await suggest.runSuggest();
    expect(ctx.store.get().suggestion).toMatchObject({ status: 'invalid', data: { sites: [{ rank: 1 }] } });
  });

  it('markStale marks only answers that exist; clearing drops the suggestion', async () => {
    const ctx = testContext(() => ({ sites: [], curve: [] }));
    const suggest = createSuggest(ctx);
    suggest.markStale();
    expect(ctx.store.get().suggestion.stale).toBe(false);
    await suggest.runSuggest();
    suggest.markStale();
    expect(ctx.store.get().suggestion.stale).toBe(true);
    expect(ctx.store.get().cover.stale).toBe(false);
    suggest.clearSuggestion();
    await flush();
    expect(ctx.store.get().suggestion).toMatchObject({ status: 'idle', data: null, stale: false });
  });
});
