// Writes made without a connection (check-ins, reports) wait here, in IndexedDB, each with the
// Idempotency-Key it was made with, and are sent in the order they were made when the connection
// returns. The server answers a repeat of a key with the first answer (Idempotent-Replayed: true),
// so a write sent twice — by the page and by the service worker's Background Sync at once, or
// when an answer was lost — still happens exactly once. One flush at a time per origin (Web Locks,
// shared by the page and the service worker, where the browser has them).
import { ApiError } from '../api/client.js';
import { idempotentWrite, isDeviceTokenProblem } from '../live/writes.js';
import { OUTBOX } from './db.js';

export const OUTBOX_SYNC_TAG = 'stationmap-outbox';
export const OUTBOX_LOCK = 'stationmap-outbox';
/** Entries the server refused this many times (HTTP answers, not network failures) are dropped. */
export const MAX_REFUSALS = 1;

/**
 * Queues a write. entry: {url, body, kind: checkin|report, station_id, key (Idempotency-Key),
 * device_token (when the phone holds one; otherwise one is made when it is sent)}.
 */
export async function enqueue(db, entry, { now = () => new Date() } = {}) {
  const record = { ...entry, created_at: now().toISOString(), status: 'queued', attempts: 0, error: null };
  await db.put(OUTBOX, record);
  return record;
}

/** The queued writes, oldest first. */
export function queued(db) {
  return db.allBy(OUTBOX, 'created');
}

/** How long one send may take before it counts as a network failure (a dead cell can hang a request). */
export const SEND_TIMEOUT_MS = 15000;

/** fn() under the origin's outbox lock; null at once when another flush holds it (it is sending). */
async function withLock(locks, fn) {
  if (!locks?.request) return fn();
  return locks.request(OUTBOX_LOCK, { ifAvailable: true }, (lock) => (lock ? fn() : null));
}

/** fetchImpl with a time limit, its expiry a network failure (so the write stays queued). */
function timed(fetchImpl, ms) {
  return async (url, init = {}) => {
    try {
      return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(ms) });
    } catch (err) {
      if (err?.name === 'TimeoutError' || err?.name === 'AbortError') throw new TypeError(`no answer within ${ms} ms`);
      throw err;
    }
  };
}

/**
 * Sends every queued write, oldest first, and stops at the first network failure (still offline).
 * token(entry) gives the X-Device-Token to send (default: the entry's own; the page passes its
 * device so a phone without one gets it now); a 401 for the token is left queued for the page.
 * onSent(entry, {status, body, replayed}) for each one the server took; onRefused(entry, err) for
 * each one it refused (422 too far, 429 …), which is then dropped. Resolves to {sent, refused, left},
 * or null when another flush (the page's or the worker's) is under way.
 */
export function flushOutbox(db, { fetchImpl = globalThis.fetch, token = async (entry) => entry.device_token, onSent = () => {}, onRefused = () => {}, onTokenRejected = () => {}, locks = globalThis.navigator?.locks, retryDelayMs = 0, timeoutMs = SEND_TIMEOUT_MS } = {}) {
  return withLock(locks, async () => {
    let sent = 0;
    let refused = 0;
    const entries = await queued(db);
    for (const entry of entries) {
      // Another flush (the other side of the lock) may have sent it meanwhile.
      if (!(await db.get(OUTBOX, entry.key))) continue;
      let deviceToken;
      try {
        deviceToken = await token(entry);
      } catch {
        break; // no token and no way to get one now: offline
      }
      if (!deviceToken) break;
      try {
        const answer = await idempotentWrite(entry.url, { body: entry.body, headers: { 'X-Device-Token': deviceToken }, key: entry.key, fetchImpl: timed(fetchImpl, timeoutMs), retryDelayMs });
        await db.delete(OUTBOX, entry.key);
        sent++;
        onSent(entry, { ...answer, replayed: answer.headers?.get?.('Idempotent-Replayed') === 'true' });
      } catch (err) {
        if (err instanceof ApiError && err.kind === 'network') break;
        if (isDeviceTokenProblem(err)) {
          // Revoked or unknown to a reset server: a new token is made the next time (token(entry) without one).
          await db.put(OUTBOX, { ...entry, device_token: null });
          onTokenRejected(entry);
          break;
        }
        await db.delete(OUTBOX, entry.key);
        refused++;
        onRefused(entry, err);
      }
    }
    return { sent, refused, left: (await queued(db)).length };
  });
}
