import { describe, expect, it, vi } from 'vitest';
import { ApiError, PREFETCH_TTL_MS, fetchBlob, fetchJson, isAbortError, latestOnly, latestSignal, postJson, prefetch } from './client.js';

function respond(status, body, contentType = 'application/json') {
  return async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': contentType },
  });
}

describe('fetchJson', () => {
  it('returns the parsed body of a 200', async () => {
    await expect(fetchJson('/x', { fetchImpl: respond(200, { ok: 1 }) })).resolves.toEqual({ ok: 1 });
  });

  it('turns problem+json into an ApiError with status, title, detail and errors', async () => {
    const problem = {
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      detail: 'lat must be between -90 and 90',
      traceId: '00-abc',
      errors: { lat: ['The field lat must be between -90 and 90.'] },
    };
    const err = await fetchJson('/x', { fetchImpl: respond(400, problem, 'application/problem+json') }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.kind).toBe('http');
    expect(err.status).toBe(400);
    expect(err.title).toBe(problem.title);
    expect(err.detail).toBe(problem.detail);
    expect(err.errors).toEqual(problem.errors);
    expect(err.traceId).toBe('00-abc');
    expect(err.message).toBe(problem.detail);
  });

  it('keeps the status of a non-JSON error page', async () => {
    const err = await fetchJson('/x', { fetchImpl: respond(502, '<html>bad gateway</html>', 'text/html') }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(502);
    expect(err.detail).toBe('');
  });

  it('reports a network failure as kind network with status 0', async () => {
    const failing = async () => { throw new TypeError('Failed to fetch'); };
    const err = await fetchJson('/x', { fetchImpl: failing }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.kind).toBe('network');
    expect(err.status).toBe(0);
  });

  it('reports a 200 that is not JSON as kind parse', async () => {
    const err = await fetchJson('/x', { fetchImpl: respond(200, 'not json', 'text/plain') }).catch((e) => e);
    expect(err.kind).toBe('parse');
  });

  it('re-throws aborts untouched so callers can drop them', async () => {
    const aborting = async (_url, { signal }) => {
      signal.throwIfAborted();
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const controller = new AbortController();
    const pending = fetchJson('/x', { signal: controller.signal, fetchImpl: aborting });
    controller.abort();
    const err = await pending.catch((e) => e);
    expect(isAbortError(err)).toBe(true);
    expect(err).not.toBeInstanceOf(ApiError);
  });
});

describe('latestOnly', () => {
  it('aborts the previous request when a new one starts, so a stale answer is dropped', async () => {
    const resolvers = [];
    const slow = (url, { signal }) => new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason));
      resolvers.push(() => resolve(new Response(JSON.stringify({ url }), { headers: { 'content-type': 'application/json' } })));
    });
    const get = latestOnly(slow);
    const first = get('/first');
    const second = get('/second');
    resolvers[1]();
    resolvers[0]();
    await expect(second).resolves.toEqual({ url: '/second' });
    const err = await first.catch((e) => e);
    expect(isAbortError(err)).toBe(true);
  });
});

describe('latestSignal', () => {
  it('next() aborts the signal it gave before; abort() ends the current one', () => {
    const latest = latestSignal();
    const first = latest.next();
    const second = latest.next();
    expect(first.aborted).toBe(true);
    expect(second.aborted).toBe(false);
    latest.abort();
    expect(second.aborted).toBe(true);
    latest.abort(); // nothing running: no error
    expect(latest.next().aborted).toBe(false);
  });
});

describe('postJson and fetchBlob', () => {
  it('posts the body as JSON and returns the parsed answer', async () => {
    const seen = [];
    const fetchImpl = async (url, init) => {
      seen.push({ url, init });
      return new Response(JSON.stringify({ ok: true }), { headers: { 'content-type': 'application/json' } });
    };
    await expect(postJson('/api/v1/planning/what-if', { add: [] }, { fetchImpl })).resolves.toEqual({ ok: true });
    expect(seen[0].init.method).toBe('POST');
    expect(seen[0].init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(seen[0].init.body)).toEqual({ add: [] });
  });

  it('a POST answered with problem+json becomes an ApiError naming the parameter', async () => {
    const problem = { title: 'Bad Request', status: 400, detail: 'p must be between 1 and 50', errors: { p: ['out of range'] } };
    const err = await postJson('/x', { p: 99 }, { fetchImpl: respond(400, problem, 'application/problem+json') }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.detail).toBe('p must be between 1 and 50');
    expect(err.errors).toHaveProperty('p');
  });

  it('fetchBlob returns the file and turns an error page into an ApiError', async () => {
    const blob = await fetchBlob('/x.csv', { fetchImpl: respond(200, 'a,b\n1,2\n', 'text/csv') });
    expect(await blob.text()).toBe('a,b\n1,2\n');
    const err = await fetchBlob('/x.csv', { fetchImpl: respond(503, { title: 'Service Unavailable', detail: 'no road graph loaded' }, 'application/problem+json') }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.detail).toBe('no road graph loaded');
  });
});

describe('prefetch', () => {
  it('the first GET of the URL takes the answer instead of asking again; the next one asks', async () => {
    const early = vi.fn(respond(200, { n: 1 }));
    const later = vi.fn(respond(200, { n: 2 }));
    prefetch('/api/v1/p1', { fetchImpl: early });
    expect(await fetchJson('/api/v1/p1', { fetchImpl: later })).toEqual({ n: 1 });
    expect(await fetchJson('/api/v1/p1', { fetchImpl: later })).toEqual({ n: 2 });
    expect(early).toHaveBeenCalledTimes(1);
    expect(early.mock.calls[0][1].headers.Accept).toContain('application/json');
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('asks once for the same URL prefetched twice, and another URL is not answered from it', async () => {
    const early = vi.fn(respond(200, { n: 1 }));
    const later = vi.fn(respond(200, { n: 3 }));
    prefetch('/api/v1/p2', { fetchImpl: early });
    prefetch('/api/v1/p2', { fetchImpl: early });
    expect(await fetchJson('/api/v1/p2?x=1', { fetchImpl: later })).toEqual({ n: 3 });
    expect(await fetchJson('/api/v1/p2', { fetchImpl: later })).toEqual({ n: 1 });
    expect(early).toHaveBeenCalledTimes(1);
  });

  it('drops an answer nobody took in time', async () => {
    const later = vi.fn(respond(200, { n: 2 }));
    prefetch('/api/v1/p3', { fetchImpl: respond(200, { n: 1 }), now: Date.now() - PREFETCH_TTL_MS - 1 });
    expect(await fetchJson('/api/v1/p3', { fetchImpl: later })).toEqual({ n: 2 });
  });

  it('a prefetched failure reaches the GET that takes it as an ApiError', async () => {
    prefetch('/api/v1/p4', { fetchImpl: async () => { throw new TypeError('Failed to fetch'); } });
    prefetch('/api/v1/p5', { fetchImpl: respond(503, { title: 'Database unavailable' }, 'application/problem+json') });
    await expect(fetchJson('/api/v1/p4')).rejects.toMatchObject({ kind: 'network', status: 0 });
    await expect(fetchJson('/api/v1/p5')).rejects.toMatchObject({ kind: 'http', status: 503, title: 'Database unavailable' });
  });

  it('a GET that is replaced while it waits for the prefetched answer is aborted', async () => {
    let release;
    prefetch('/api/v1/p6', { fetchImpl: () => new Promise((resolve) => { release = resolve; }) });
    const fetcher = latestOnly(respond(200, { n: 2 }));
    const first = fetcher('/api/v1/p6');
    const second = fetcher('/api/v1/p7');
    await expect(first).rejects.toSatisfy(isAbortError);
    expect(await second).toEqual({ n: 2 });
    release(new Response('{}', { headers: { 'content-type': 'application/json' } }));
  });
});
