// The one fetch wrapper. Every failure becomes an ApiError so the UI has one thing to show:
// problem+json responses keep their title/detail/errors, network failures get kind 'network'.
// Aborted requests are re-thrown untouched (callers drop them: a newer request replaced them).

export class ApiError extends Error {
  /**
   * @param {object} p
   * @param {'http'|'network'|'parse'} p.kind
   * @param {number} p.status HTTP status, 0 for network failures
   */
  constructor({ kind, status = 0, title = '', detail = '', errors = {}, type = '', traceId = '', url = '', retryAfter = null }) {
    super(detail || title || `${kind} error${status ? ` ${status}` : ''}`);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors ?? {};
    this.type = type;
    this.traceId = traceId;
    this.url = url;
    /** Seconds from a 429's Retry-After header, or null. */
    this.retryAfter = retryAfter;
  }
}

export function isAbortError(err) {
  return err?.name === 'AbortError';
}

function isJson(contentType) {
  return /\/(problem\+)?json|\+json/i.test(contentType ?? '');
}

async function problemFrom(response, url) {
  const contentType = response.headers.get('content-type');
  let body = null;
  if (isJson(contentType)) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  return new ApiError({
    kind: 'http',
    status: response.status,
    title: typeof body?.title === 'string' ? body.title : response.statusText,
    detail: typeof body?.detail === 'string' ? body.detail : '',
    errors: body?.errors && typeof body.errors === 'object' ? body.errors : {},
    type: body?.type ?? '',
    traceId: body?.traceId ?? '',
    url,
    retryAfter: Number.isFinite(Number.parseInt(response.headers.get('retry-after'), 10)) ? Number.parseInt(response.headers.get('retry-after'), 10) : null,
  });
}

const ACCEPT_JSON = 'application/json, application/geo+json, application/problem+json';

// GETs started before the code that needs their answer has run (app/early.js: the first view's
// config and nearest list, while the rest of the bundle is still being evaluated). The first plain
// JSON GET of the same URL takes the answer instead of asking again; an answer nobody took within
// PREFETCH_TTL_MS is dropped, so a later GET asks afresh.
export const PREFETCH_TTL_MS = 30000;
const prefetched = new Map();

/** Starts GET url now; resolves to the Response (a failure is left to the GET that takes it). */
export function prefetch(url, { fetchImpl = globalThis.fetch, now = Date.now() } = {}) {
  const known = prefetched.get(url);
  if (known) return known.answer;
  const answer = Promise.resolve().then(() => fetchImpl(url, { headers: { Accept: ACCEPT_JSON } }));
  answer.catch(() => {});
  prefetched.set(url, { answer, at: now });
  return answer;
}

/** The prefetched answer for url (once), or null. */
function takePrefetched(url, now = Date.now()) {
  const entry = prefetched.get(url);
  if (!entry) return null;
  prefetched.delete(url);
  return now - entry.at <= PREFETCH_TTL_MS ? entry.answer : null;
}

/** answer, or an AbortError as soon as signal aborts (the shared fetch itself goes on). */
function untilAborted(answer, signal) {
  if (!signal) return answer;
  const aborted = () => new DOMException('The request was replaced', 'AbortError');
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Sends one request; a network failure or a non-2xx answer becomes an ApiError. */
async function send(url, { method = 'GET', body, signal, fetchImpl = globalThis.fetch, accept = ACCEPT_JSON, headers: extra = {} }) {
  const headers = { Accept: accept, ...extra };
  const init = { method, signal, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const plainGet = method === 'GET' && !Object.keys(extra).length;
  const early = plainGet && accept === ACCEPT_JSON ? takePrefetched(url) : null;
  let response;
  try {
    if (early) response = await untilAborted(early, signal);
    else response = plainGet ? await fetchImpl(url, { signal, headers }) : await fetchImpl(url, init);
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ApiError({ kind: 'network', detail: '', title: String(err?.message ?? err), url });
  }
  if (!response.ok) throw await problemFrom(response, url);
  return response;
}

/**
 * POSTs body as JSON to url and returns the parsed JSON answer (errors as in fetchJson).
 * @param {string} url
 * @param {object} body
 * @param {{signal?: AbortSignal, fetchImpl?: typeof fetch}} [options]
 */
export async function postJson(url, body, { signal, fetchImpl = globalThis.fetch } = {}) {
  const response = await send(url, { method: 'POST', body, signal, fetchImpl });
  try {
    return await response.json();
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ApiError({ kind: 'parse', status: response.status, title: 'Invalid JSON from server', url });
  }
}

/**
 * Sends any method with extra headers (X-Device-Token, X-Api-Key, Idempotency-Key) and returns
 * {status, body, headers}: body is the parsed JSON, or null for 204 / an empty answer.
 * @param {string} url
 * @param {{method?: string, body?: object, headers?: Record<string, string>, signal?: AbortSignal, fetchImpl?: typeof fetch}} [options]
 */
export async function requestJson(url, { method = 'GET', body, headers = {}, signal, fetchImpl = globalThis.fetch } = {}) {
  const response = await send(url, { method, body, signal, fetchImpl, headers });
  const text = await response.text();
  if (!text) return { status: response.status, body: null, headers: response.headers };
  try {
    return { status: response.status, body: JSON.parse(text), headers: response.headers };
  } catch {
    throw new ApiError({ kind: 'parse', status: response.status, title: 'Invalid JSON from server', url });
  }
}

/**
 * Fetches a file (an export) as a Blob: GET, or POST with a JSON body. Problems arrive as ApiError
 * like everywhere else, so a failed export is reported in words instead of saving an error page.
 */
export async function fetchBlob(url, { method = 'GET', body, signal, fetchImpl = globalThis.fetch } = {}) {
  const response = await send(url, { method, body, signal, fetchImpl, accept: '*/*' });
  return response.blob();
}

/**
 * GETs url and returns its parsed JSON body.
 * @param {string} url
 * @param {{signal?: AbortSignal, fetchImpl?: typeof fetch}} [options]
 */
export async function fetchJson(url, { signal, fetchImpl = globalThis.fetch } = {}) {
  const response = await send(url, { signal, fetchImpl });
  try {
    return await response.json();
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ApiError({ kind: 'parse', status: response.status, title: 'Invalid JSON from server', url });
  }
}

/**
 * One AbortController per kind of request: next() aborts the request before it and returns the
 * new one's signal, so a slow stale response can never overwrite a newer one.
 */
export function latestSignal() {
  let controller = null;
  return {
    next() {
      controller?.abort();
      controller = new AbortController();
      return controller.signal;
    },
    abort() {
      controller?.abort();
      controller = null;
    },
  };
}

/** A GET fetcher that keeps only the latest request alive (latestSignal around fetchJson). */
export function latestOnly(fetchImpl) {
  const latest = latestSignal();
  const fetcher = (url) => fetchJson(url, { signal: latest.next(), fetchImpl });
  fetcher.abort = latest.abort;
  return fetcher;
}
