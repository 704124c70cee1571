// GET /config, the first request: the basemap, the map's centre, the amenity list and whether the
// API has a road network (travel times and service circles) all come from it.
import { fetchJson } from '../api/client.js';
import { configUrl } from '../api/requests.js';

export function createConfig({ store, fetchImpl }) {
  /** Loads the config into the state; resolves to it, or to null when it failed (the state says why). */
  async function loadConfig() {
    store.set({ configStatus: 'loading', configError: null });
    try {
      const config = await fetchJson(configUrl(), { fetchImpl });
      store.set({ config, configStatus: 'ok' });
      return config;
    } catch (err) {
      store.set({ configStatus: 'error', configError: err });
      return null;
    }
  }

  return { loadConfig };
}
