// The map kept in step with the store: one function per state slice, each given the map context
// ({map, layers, camera, origin}) and the state, and a table saying which values each one reads.
// syncMap runs every slice on a new style (prev = null, the layers are fresh) and afterwards only
// the slices whose inputs changed, so a language switch never re-sends the stations' GeoJSON.
import { gapTilesUrl } from '../api/requests.js';
import { translate } from '../i18n/index.js';
import { matchesFilters } from '../state/filters.js';
import { worstFeatures } from './layers/demand.js';
import { geometryBounds } from './layers/districts.js';
import { toFeatureCollection } from './layers/stations.js';

/** The stations drawn: the planner sees every station; the courier's amenity filters don't apply to coverage. */
export function shownStations({ mapStations, filters, view }) {
  return view === 'planner' ? mapStations : mapStations.filter((f) => matchesFilters(f.properties ?? f, filters));
}

/**
 * True when the map must draw a GeoJSON list of stations instead of the vector tiles: the tiles
 * say open state now and filter nothing, so an "open at" instant, amenity or service filters
 * (the services "today"/"now", the tiles' any time) and the planner (its what-if rings and
 * crowding choices need the stations as data) draw the list from /stations instead.
 */
export function needsList({ filters, view }) {
  return view === 'planner' || Boolean(filters?.at) || (filters?.amenities?.length ?? 0) > 0 || (filters?.services?.length ?? 0) > 0;
}

/** 'overlay' when a list is drawn: needsList, or the offline pack's stations standing in for the tiles. */
export function stationsMode(s) {
  return needsList(s) || (s.mapStations?.length ?? 0) > 0 ? 'overlay' : 'tiles';
}

/** The gap tiles' URL template for the plan's mode, minutes and "open at" instant. */
export function gapTilesFor(origin, plan) {
  return gapTilesUrl(origin, { mode: plan.mode, minutes: plan.minutes, at: plan.at });
}

export function syncStations({ layers }, s) {
  layers.stations.setData(toFeatureCollection(shownStations(s)));
}

export function syncStationsMode({ layers }, s) {
  layers.stations.setMode(stationsMode(s));
  layers.stations.setOpenNow(Boolean(s.filters?.openNow));
}

export function syncSelected({ layers }, s) {
  layers.stations.setSelected(s.selectedId);
}

export function syncPosition({ layers }, s) {
  layers.me.setPosition(s.position);
}

/** The circle is drawn where it is; the camera stays on the station (the sheet's button zooms out to it). */
export function syncServiceArea({ layers }, s) {
  layers.serviceArea.setData(s.serviceArea.data, s.serviceArea.mode ?? 'ebike');
}

export function syncLang({ layers }, s) {
  layers.stations.setLang(s.lang);
  layers.districts.setLang(s.lang);
  layers.whatIf.setLabels((key) => translate(s.lang, 'plan.markerLabel', { key }));
}

/** Planner layers show only in the planner view; the gap surface also follows its checkbox. */
export function syncPlannerVisible({ layers }, s) {
  const on = s.view === 'planner';
  for (const layer of [layers.districts, layers.demand, layers.sites, layers.whatIf]) layer.setVisible(on);
}

export function syncGapsVisible({ layers }, s) {
  layers.gaps.setVisible(s.view === 'planner' && s.showGaps);
}

export function syncGapParams({ layers, origin }, s) {
  layers.gaps.setParams({ tiles: gapTilesFor(origin, s.plan), minutes: s.plan.minutes });
}

export function syncDistricts({ layers }, s) {
  layers.districts.setData(s.districts.data);
}

/** The first time the planner has its districts (and none is focused), the camera shows them all. */
export function syncPlanningArea({ camera }, s) {
  const features = s.districts.data?.features ?? [];
  if (s.view !== 'planner' || !features.length || s.focusDistrict != null) return;
  camera.showPlanningAreaOnce(features.map((f) => geometryBounds(f.geometry)).filter(Boolean));
}

export function syncFocus({ layers }, s) {
  layers.districts.setFocused(s.focusDistrict);
}

export function syncDemand({ layers }, s) {
  layers.demand.setPoints(s.demandPoints.data);
}

export function syncWorst({ layers }, s) {
  const data = s.coverage.data;
  layers.demand.setWorst(worstFeatures(data?.worst, data?.minutes ?? s.plan.minutes));
}

export function syncSuggestion({ layers }, s) {
  layers.sites.setSites(s.suggestion.data?.sites ?? [], { stale: s.suggestion.stale });
}

export function syncAdded({ layers }, s) {
  layers.whatIf.setAdded(s.whatIf.added);
}

export function syncRemoved({ layers }, s) {
  layers.whatIf.setRemoved(s.whatIf.removed);
}

/** Open faults: the planner's layer, shown with its checkbox. */
export function syncFaults({ layers }, s) {
  layers.faults.setData(s.faults.data);
}

export function syncFaultsVisible({ layers }, s) {
  layers.faults.setVisible(s.view === 'planner' && s.showFaults);
}

/** A crosshair while the next tap sets my position. */
export function syncCursor({ map }, s) {
  map.getCanvas().style.cursor = s.picking ? 'crosshair' : '';
}

/** Each slice: the values it reads from the state and the function that draws them. */
export const SLICES = [
  { reads: (s) => [s.serviceArea], sync: syncServiceArea },
  { reads: (s) => [s.mapStations, s.filters, s.view], sync: syncStations },
  { reads: (s) => [s.mapStations, s.filters, s.view], sync: syncStationsMode },
  { reads: (s) => [s.selectedId], sync: syncSelected },
  { reads: (s) => [s.position], sync: syncPosition },
  { reads: (s) => [s.lang], sync: syncLang },
  { reads: (s) => [s.view], sync: syncPlannerVisible },
  { reads: (s) => [s.view, s.showGaps], sync: syncGapsVisible },
  { reads: (s) => [s.plan], sync: syncGapParams },
  { reads: (s) => [s.districts], sync: syncDistricts },
  { reads: (s) => [s.view, s.districts, s.focusDistrict], sync: syncPlanningArea },
  { reads: (s) => [s.focusDistrict], sync: syncFocus },
  { reads: (s) => [s.demandPoints], sync: syncDemand },
  { reads: (s) => [s.coverage], sync: syncWorst },
  { reads: (s) => [s.suggestion], sync: syncSuggestion },
  { reads: (s) => [s.whatIf.added], sync: syncAdded },
  { reads: (s) => [s.whatIf.removed], sync: syncRemoved },
  { reads: (s) => [s.picking], sync: syncCursor },
  { reads: (s) => [s.faults], sync: syncFaults },
  { reads: (s) => [s.view, s.showFaults], sync: syncFaultsVisible },
];

function sameInputs(a, b) {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** Draws every slice of state whose inputs differ from prev's (all of them when prev is null). */
export function syncMap(context, state, prev = null, slices = SLICES) {
  for (const { reads, sync } of slices) {
    if (prev && sameInputs(reads(state), reads(prev))) continue;
    sync(context, state);
  }
}
