import { describe, expect, it } from 'vitest';
import { dateTimeFormat } from './intl.js';

describe('Intl formatters, made once', () => {
  it('hands back the same formatter for the same locale and options, a new one otherwise', () => {
    const a = dateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    expect(dateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })).toBe(a);
    expect(dateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' })).not.toBe(a);
    expect(a.format(new Date('2026-12-01T20:00:00Z'))).toBe('2026-12-02');
  });

  it('still throws for a time zone that does not exist, and keeps nothing for it', () => {
    expect(() => dateTimeFormat('en-US', { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => dateTimeFormat('en-US', { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});
