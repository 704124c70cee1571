import { describe, expect, it } from 'vitest';
import { containsBox, padBox } from './viewport.js';

describe('viewport boxes', () => {
  it('pads on every side', () => {
    expect(padBox([120, 30, 121, 31], 0.5)).toEqual([119.5, 29.5, 121.5, 31.5]);
  });

  it('clamps to valid coordinates', () => {
    expect(padBox([-179, -80, 179, 80], 1)).toEqual([-180, -85, 180, 85]);
  });

  it('contains a box inside, not one crossing its edge', () => {
    expect(containsBox([120, 30, 121, 31], [120.2, 30.2, 120.8, 30.8])).toBe(true);
    expect(containsBox([120, 30, 121, 31], [120.2, 30.2, 121.1, 30.8])).toBe(false);
  });
});
