// The store's offline slice at start (offline/controller.js keeps it).
export const OFFLINE_IDLE = Object.freeze({
  /** false where IndexedDB is missing (then no pack and no outbox). */
  supported: true,
  online: true,
  /** The pack's record (offline/pack.js), or null. */
  pack: null,
  /** idle | planning | planned | downloading | done | error */
  status: 'idle',
  plan: null,
  progress: null,
  error: null,
  /** Writes waiting in the outbox, and how many were sent from it since the page opened. */
  queued: 0,
  sent: 0,
  /** The last writes the server refused when they arrived: {kind, station_id, error}. */
  refused: [],
  /** path+search → ISO time of the cached copy the service worker answered with. */
  asOf: {},
  panel: false,
});
