// The planner's live-layer views: a station's usual crowding by hour (GET /stats/crowding, the
// 7 × 24 typical profile learned from check-ins; falling back to the profile in GET
// /stations/{id}/live), with the peak hours where it is usually full, and the open faults of the
// map's view (GET /tickets?bbox=&format=geojson) as a map layer.
import { isAbortError, latestOnly } from '../api/client.js';
import { crowdingStatsUrl, stationLiveUrl, ticketsUrl } from '../api/liveRequests.js';
import { localParts } from '../ui/format.js';

export const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
/** A typical score at or over this (0 empty … 2 full) counts as "usually full": a peak. */
export const PEAK_SCORE = 1.5;

/** The typical profile ({weekdays, scores, samples}) for stationId in a /stats/crowding answer (or a /live answer). */
export function profileFrom(body, stationId) {
  if (!body) return null;
  if (body.typical_profile) return body.typical_profile;
  if (Array.isArray(body.scores)) return body;
  const list = body.items ?? body.stations ?? (Array.isArray(body) ? body : []);
  const row = list.find((r) => Number(r.station_id ?? r.id) === Number(stationId)) ?? (list.length === 1 ? list[0] : null);
  if (!row) return null;
  return row.typical_profile ?? row.profile ?? (Array.isArray(row.scores) ? row : null);
}

/** The 24 hours of weekday ('Mo'…'Su') in profile: [{hour, score (null: too few check-ins), samples}]. */
export function crowdingDay(profile, weekday) {
  const days = profile?.weekdays ?? WEEKDAYS;
  const i = days.indexOf(weekday);
  const scores = i >= 0 ? profile?.scores?.[i] ?? [] : [];
  const samples = i >= 0 ? profile?.samples?.[i] ?? [] : [];
  return Array.from({ length: 24 }, (_, hour) => ({
    hour,
    score: Number.isFinite(scores[hour]) ? scores[hour] : null,
    samples: Number.isFinite(samples[hour]) ? samples[hour] : 0,
  }));
}

/** The peak hours of a day as ranges [[from, to], …] (inclusive hours) where the score is at least threshold. */
export function peakRanges(day, threshold = PEAK_SCORE) {
  const ranges = [];
  for (const { hour, score } of day) {
    if (score == null || score < threshold) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === hour - 1) last[1] = hour;
    else ranges.push([hour, hour]);
  }
  return ranges;
}

/** Ranges as "11–13 时, 18 时" / "11–13 h, 18 h". */
export function formatRanges(ranges, lang) {
  const unit = lang === 'en' ? ' h' : ' 时';
  return ranges.map(([a, b]) => (a === b ? `${a}${unit}` : `${a}–${b}${unit}`)).join(lang === 'en' ? ', ' : '、');
}

/** Today's weekday code in timeZone. */
export function todayWeekday(now = new Date(), timeZone = 'Asia/Shanghai') {
  return localParts(now, timeZone).weekday;
}

export function createCrowding({ store, fetchImpl, patch }, { now = () => new Date() } = {}) {
  const fetchProfile = latestOnly(fetchImpl);
  const fetchFaults = latestOnly(fetchImpl);

  async function loadCrowding(stationId, { weekday } = {}) {
    const day = weekday ?? store.get().crowding.weekday ?? todayWeekday(now());
    if (stationId == null) return patch('crowding', { status: 'idle', stationId: null, weekday: day, data: null, error: null });
    patch('crowding', { status: 'loading', stationId, weekday: day, error: null });
    try {
      let profile;
      try {
        profile = profileFrom(await fetchProfile(crowdingStatsUrl(stationId)), stationId);
      } catch (err) {
        // Before the statistics endpoint exists (404) the station's own live answer has the same profile.
        if (isAbortError(err) || err?.status !== 404) throw err;
        profile = profileFrom(await fetchProfile(stationLiveUrl(stationId)), stationId);
      }
      if (store.get().crowding.stationId !== stationId) return;
      patch('crowding', { status: 'ok', data: profile, error: null });
    } catch (err) {
      if (isAbortError(err)) return;
      patch('crowding', { status: 'error', data: null, error: err });
    }
  }

  async function loadFaults(bbox) {
    if (!bbox) return;
    patch('faults', { status: 'loading', error: null });
    try {
      const data = await fetchFaults(ticketsUrl({ bbox, format: 'geojson', limit: 500 }));
      patch('faults', { status: 'ok', data, error: null });
    } catch (err) {
      if (isAbortError(err)) return;
      patch('faults', { status: 'error', error: err });
    }
  }

  return {
    loadCrowding,
    setCrowdingWeekday: (weekday) => {
      patch('crowding', { weekday });
    },
    loadFaults,
    toggleFaults: () => store.set({ showFaults: !store.get().showFaults }),
  };
}
