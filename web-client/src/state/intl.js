// Intl formatters, made once per locale and options: making one costs far more than using it
// (milliseconds on a slow phone), and the list formats every station's hours on each redraw.
const formats = new Map();

/** new Intl.DateTimeFormat(locale, options), kept for the next call with the same arguments. */
export function dateTimeFormat(locale, options = {}) {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}
