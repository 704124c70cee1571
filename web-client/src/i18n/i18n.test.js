import { describe, expect, it } from 'vitest';
import { DEFAULT_LANG, LANGS, STORAGE_KEY, dictionaries, loadLang, saveLang, stationName, translate } from './index.js';

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function memoryStorage() {
  const data = new Map();
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)) };
}

describe('i18n dictionaries', () => {
  it('zh and en have exactly the same keys', () => {
    expect(Object.keys(dictionaries.en).sort()).toEqual(Object.keys(dictionaries.zh).sort());
  });

  it('no value is empty', () => {
    for (const lang of LANGS) {
      for (const [key, value] of Object.entries(dictionaries[lang])) {
        expect(typeof value, `${lang}:${key}`).toBe('string');
        expect(value.trim(), `${lang}:${key}`).not.toBe('');
      }
    }
  });

  it('each key uses the same placeholders in both languages', () => {
    for (const key of Object.keys(dictionaries.zh)) {
      expect(placeholders(dictionaries.en[key]), key).toEqual(placeholders(dictionaries.zh[key]));
    }
  });

  it('names every amenity, tier and access rule the API documents', () => {
    const amenities = ['drinking_water', 'microwave', 'phone_charging', 'ebike_charging', 'battery_swap', 'toilet',
      'air_conditioning', 'heating', 'seating', 'first_aid', 'wifi', 'fridge', 'lockers', 'umbrella', 'repair_tools',
      'canteen', 'legal_aid', 'medical_service'];
    const tiers = ['flagship', 'standard', 'smart_24h', 'convenience', 'partner'];
    const access = ['all_outdoor_workers', 'union_members', 'staffed', 'qr_door'];
    const keys = [...amenities.map((a) => `amenity.${a}`), ...tiers.map((t) => `tier.${t}`), ...access.map((a) => `access.${a}`)];
    for (const key of keys) expect(dictionaries.zh, key).toHaveProperty([key]);
  });

  it('Chinese labels are actually Chinese and differ from English', () => {
    expect(translate('zh', 'amenity.toilet')).toBe('厕所');
    expect(translate('en', 'amenity.toilet')).toBe('Toilet');
  });
});

describe('translate', () => {
  it('fills placeholders', () => {
    expect(translate('zh', 'distance.km', { n: 1.2 })).toBe('1.2 公里');
    expect(translate('en', 'detail.call', { phone: '0571-1' })).toBe('Call 0571-1');
  });

  it('leaves an unknown placeholder visible and falls back to the key', () => {
    expect(translate('en', 'distance.km', {})).toBe('{n} km');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});

describe('language choice', () => {
  it('defaults to Chinese', () => {
    expect(DEFAULT_LANG).toBe('zh');
    expect(loadLang(memoryStorage())).toBe('zh');
  });

  it('remembers the choice in storage', () => {
    const storage = memoryStorage();
    saveLang('en', storage);
    expect(storage.getItem(STORAGE_KEY)).toBe('en');
    expect(loadLang(storage)).toBe('en');
  });

  it('ignores a garbage stored value and survives a throwing storage', () => {
    const storage = memoryStorage();
    storage.setItem(STORAGE_KEY, 'fr');
    expect(loadLang(storage)).toBe('zh');
    const throwing = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); } };
    expect(loadLang(throwing)).toBe('zh');
    expect(() => saveLang('en', throwing)).not.toThrow();
    expect(() => saveLang('fr', storage)).toThrow(RangeError);
  });

  it('station names fall back to Chinese when there is no English name', () => {
    expect(stationName({ name: '文三路暖心驿站', name_en: 'Wensan Road Warm Station' }, 'en')).toBe('Wensan Road Warm Station');
    expect(stationName({ name: '文三路暖心驿站', name_en: null }, 'en')).toBe('文三路暖心驿站');
    expect(stationName({ name: '文三路暖心驿站', name_en: 'X' }, 'zh')).toBe('文三路暖心驿站');
  });
});

describe('planner strings', () => {
  it('every key the planner code names exists in both languages', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const dir = new URL('../ui/planner/', import.meta.url);
    const sources = [
      ...readdirSync(dir).filter((f) => f.endsWith('.js') && !f.endsWith('.test.js')).map((f) => readFileSync(new URL(f, dir), 'utf8')),
      readFileSync(new URL('../main.js', import.meta.url), 'utf8'),
      readFileSync(new URL('../ui/topbar.js', import.meta.url), 'utf8'),
    ].join('\n');
    const named = [...sources.matchAll(/\bt(?:ranslate)?\((?:[\w.]+, )?'((?:plan|view|mode)\.[\w.]+)'/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(50);
    const built = [
      ...['name', 'demand', 'covered', 'coverage_pct', 'mean_minutes', 'p95_minutes'].map((c) => `plan.col.${c}`),
      ...['auto', 'always', 'never'].map((x) => `plan.exact.${x}`),
      'mode.walk', 'mode.ebike',
    ];
    for (const key of new Set([...named, ...built])) {
      expect(dictionaries.zh, key).toHaveProperty([key]);
      expect(dictionaries.en, key).toHaveProperty([key]);
    }
  });
});
