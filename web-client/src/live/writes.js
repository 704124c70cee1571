// Writes of the live layer: every one carries an Idempotency-Key, and a network failure (the
// answer never arrived: a tunnel, a lift, a dropped 4G cell) is retried once with the same key, so
// the server either did it once or does it now, never twice. HTTP answers are never retried: a
// 422 or 429 would only come again.
import { ApiError, requestJson } from '../api/client.js';
import { devicesUrl } from '../api/liveRequests.js';

export const DEVICE_STORAGE_KEY = 'stationmap.device';

/** A fresh Idempotency-Key (a UUID; crypto.randomUUID needs a secure context, which 127.0.0.1 and https are). */
export function newIdempotencyKey(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl?.randomUUID) return cryptoImpl.randomUUID();
  const bytes = cryptoImpl.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Sends a write with Idempotency-Key key; on a network error sends it once more with the same key.
 * Returns requestJson's {status, body, headers}; throws the ApiError of the last try.
 */
export async function idempotentWrite(url, { method = 'POST', body, headers = {}, key = newIdempotencyKey(), fetchImpl, retryDelayMs = 500 } = {}) {
  const send = () => requestJson(url, { method, body, headers: { ...headers, 'Idempotency-Key': key }, fetchImpl });
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof ApiError) || err.kind !== 'network') throw err;
    if (retryDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    return send();
  }
}

/** True for the problem the API sends when a device token is missing, unknown or revoked. */
export function isDeviceTokenProblem(err) {
  return err?.status === 401 && /device-token-required/.test(err.type ?? '');
}

/**
 * This phone's device token: read from storage, or created on first need (POST /devices) and
 * kept there. withToken(fn) runs fn(token) and, when the server no longer knows the token (401
 * device-token-required: revoked, or a reset database), forgets it, makes a new one and runs fn once more.
 */
export function createDevice({ storage = globalThis.localStorage, fetchImpl } = {}) {
  let pending = null;
  let memory = null; // when storage refuses (private modes), the token lives for this page

  function read() {
    try {
      return JSON.parse(storage?.getItem(DEVICE_STORAGE_KEY) ?? 'null')?.token ?? memory;
    } catch {
      return memory;
    }
  }

  async function create() {
    const { body } = await idempotentWrite(devicesUrl(), { body: {}, fetchImpl });
    memory = body.token;
    try {
      storage?.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ id: body.id, token: body.token, created_at: body.created_at }));
    } catch {
      // kept in memory only
    }
    return body.token;
  }

  async function token() {
    const saved = read();
    if (saved) return saved;
    pending ??= create().finally(() => { pending = null; });
    return pending;
  }

  function forget() {
    memory = null;
    try {
      storage?.removeItem(DEVICE_STORAGE_KEY);
    } catch {
      // nothing kept
    }
  }

  async function withToken(fn) {
    const first = await token();
    try {
      return await fn(first);
    } catch (err) {
      if (!isDeviceTokenProblem(err)) throw err;
      forget();
      return fn(await token());
    }
  }

  return { token, forget, withToken };
}
