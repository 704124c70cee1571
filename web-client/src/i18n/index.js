// Translation lookup. Chinese is the default; the choice is remembered in localStorage. The English
// dictionary is a chunk of its own, loaded (useLang) before the page shows English: a courier in
// Chinese never downloads it.
import zh from './zh.js';

export const dictionaries = { zh };
const loaders = { en: () => import('./en.js') };

/** Resolves once lang's dictionary is there (at once for Chinese or one already loaded). */
export async function useLang(lang) {
  if (dictionaries[lang] || !loaders[lang]) return;
  dictionaries[lang] = (await loaders[lang]()).default;
}
export const LANGS = ['zh', 'en'];
export const DEFAULT_LANG = 'zh';
export const STORAGE_KEY = 'stationmap.lang';

/** BCP 47 tags for <html lang> and Intl formatting. */
export const LOCALES = { zh: 'zh-CN', en: 'en' };

/**
 * Looks key up in lang's dictionary and fills {placeholders} from params.
 * A missing key falls back to Chinese, then to the key itself, so a gap is visible, not blank.
 */
export function translate(lang, key, params) {
  const text = dictionaries[lang]?.[key] ?? dictionaries[DEFAULT_LANG][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Returns a t(key, params) bound to lang. */
export function translator(lang) {
  return (key, params) => translate(lang, key, params);
}

export function loadLang(storage = globalThis.localStorage) {
  try {
    const saved = storage?.getItem(STORAGE_KEY);
    return LANGS.includes(saved) ? saved : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG; // storage can throw in private modes; the default is fine then
  }
}

export function saveLang(lang, storage = globalThis.localStorage) {
  if (!LANGS.includes(lang)) throw new RangeError(`unknown language: ${lang}`);
  try {
    storage?.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered, still switched
  }
}

/** The station's name in lang: English falls back to the Chinese name when name_en is missing. */
export function stationName(station, lang) {
  if (lang === 'en' && station?.name_en) return station.name_en;
  return station?.name ?? '';
}
