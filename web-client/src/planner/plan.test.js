import { describe, expect, it, vi } from 'vitest';
import { createPlan, nextPlan } from './plan.js';
import { testContext } from './testing.js';

const before = { mode: 'ebike', minutes: 15, layer: 'demo-demand', openAt: 'all', at: null };
const clock = { now: () => new Date('2026-11-29T05:10:00Z'), timeZone: 'Asia/Shanghai' };

function fakes({ edits = false } = {}) {
  return {
    coverage: { loadCoverage: vi.fn(), loadDemandPoints: vi.fn() },
    suggest: { markStale: vi.fn() },
    whatIf: { hasEdits: () => edits, runWhatIf: vi.fn() },
  };
}

describe('nextPlan', () => {
  it('merges a valid change and turns "open at" into an instant', () => {
    expect(nextPlan(before, { minutes: 10 }, clock)).toEqual({ ...before, minutes: 10 });
    expect(nextPlan(before, { openAt: '8' }, clock).at).toBe('2026-11-29T08:00:00+08:00');
    expect(nextPlan({ ...before, openAt: '8', at: 'x' }, { openAt: 'all' }, clock).at).toBeNull();
  });

  it('refuses unknown modes and minutes, and a change that changes nothing', () => {
    expect(nextPlan(before, { mode: 'plane' }, clock)).toBeNull();
    expect(nextPlan(before, { minutes: 12 }, clock)).toBeNull();
    expect(nextPlan(before, { minutes: 15, mode: 'ebike' }, clock)).toBeNull();
    expect(nextPlan(before, { openAt: 'all' }, clock)).toBeNull();
  });
});

describe('setPlan', () => {
  it('in the planner: reloads the coverage, marks answers stale, re-runs a what-if with edits', () => {
    const ctx = testContext();
    const deps = fakes({ edits: true });
    createPlan(ctx, { ...deps, ...clock }).setPlan({ mode: 'walk' });
    expect(ctx.store.get().plan.mode).toBe('walk');
    expect(deps.coverage.loadCoverage).toHaveBeenCalledTimes(1);
    expect(deps.coverage.loadDemandPoints).not.toHaveBeenCalled();
    expect(deps.suggest.markStale).toHaveBeenCalledTimes(1);
    expect(deps.whatIf.runWhatIf).toHaveBeenCalledTimes(1);
  });

  it('a new demand layer also reloads its points; without edits no what-if runs', () => {
    const ctx = testContext();
    const deps = fakes();
    createPlan(ctx, { ...deps, ...clock }).setPlan({ layer: 'riders' });
    expect(deps.coverage.loadDemandPoints).toHaveBeenCalledTimes(1);
    expect(deps.whatIf.runWhatIf).not.toHaveBeenCalled();
  });

  it('outside the planner view the plan is only remembered', () => {
    const ctx = testContext(undefined, { view: 'courier' });
    const deps = fakes({ edits: true });
    createPlan(ctx, { ...deps, ...clock }).setPlan({ minutes: 5 });
    expect(ctx.store.get().plan.minutes).toBe(5);
    expect(deps.coverage.loadCoverage).not.toHaveBeenCalled();
    expect(deps.suggest.markStale).not.toHaveBeenCalled();
  });
});
