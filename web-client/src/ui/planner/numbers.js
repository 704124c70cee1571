// Number formatting for the planner: demand weights, percentages, minutes.
import { LOCALES } from '../../i18n/index.js';

const formatters = new Map();
function formatter(lang, digits) {
  const key = `${lang}:${digits}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.NumberFormat(LOCALES[lang] ?? 'zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return formatters.get(key);
}

/** n with fixed decimals and the locale's grouping; '—' for a missing value. */
export function formatNumber(n, lang, digits = 0) {
  return Number.isFinite(n) ? formatter(lang, digits).format(n) : '—';
}

/** A percentage with one decimal, without the sign ("80.5"). */
export function formatPct(n, lang) {
  return formatNumber(n, lang, 1);
}

/** A signed number ("+2.3", "−1.0", "0.0") and its sign alone. */
export function signed(n, lang, digits = 1) {
  if (!Number.isFinite(n)) return { sign: '', text: '—' };
  const rounded = Number(n.toFixed(digits));
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '±';
  return { sign, text: formatNumber(Math.abs(rounded), lang, digits) };
}
