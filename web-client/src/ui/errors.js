// Words for an ApiError: the server's problem detail (or title) when it sent one, our own
// sentence for a network failure. Never an empty message, never a swallowed error.
import { translate } from '../i18n/index.js';

export function errorText(err, lang) {
  if (!err) return '';
  if (err.kind === 'network') return translate(lang, 'error.network');
  if (err.detail) return err.detail;
  if (err.title) return err.title;
  if (err.status) return translate(lang, 'error.http', { status: err.status });
  return String(err.message || err);
}
