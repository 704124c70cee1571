// Third-party readers against the running API: every GeoJSON export is read by OpenLayers'
// GeoJSON format, turf (validity, RFC 7946 winding) and GDAL's ogrinfo; every kind of vector tile
// is decoded by @mapbox/vector-tile. Each check is its own test named "<endpoint> › <check>", so a
// failing run says exactly which export fails which reader.
//   STATIONMAP_URL=http://127.0.0.1:8080 node --test
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import GeoJSON from 'ol/format/GeoJSON.js';
import booleanValid from '@turf/boolean-valid';
import booleanClockwise from '@turf/boolean-clockwise';
import area from '@turf/area';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import Ajv from 'ajv';

const BASE = (process.env.STATIONMAP_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
// The demo city's centre and a 4 × 4 km box inside it.
const LON = 120.16, LAT = 30.27;
const BOX = '120.14,30.25,120.18,30.29';
const PLAN = { mode: 'ebike', minutes: 15, layer: 'demo-demand', candidates: { layer: 'demo-candidates' } };

const exports = [
  { name: 'stations format=geojson', op: 'get /api/v1/stations', path: `/api/v1/stations?bbox=${BOX}&format=geojson&limit=1000` },
  { name: 'isochrones', op: 'get /api/v1/isochrones', path: `/api/v1/isochrones?lon=${LON}&lat=${LAT}&mode=ebike&minutes=5,10,15` },
  { name: 'isochrones crs=gcj02', op: 'get /api/v1/isochrones', path: `/api/v1/isochrones?lon=${LON}&lat=${LAT}&mode=ebike&minutes=10&crs=gcj02`, crs: 'gcj02' },
  { name: 'isochrones walk direction=from', op: 'get /api/v1/isochrones', path: `/api/v1/isochrones?lon=${LON}&lat=${LAT}&mode=walk&minutes=10&direction=from` },
  { name: 'station service area', op: 'get /api/v1/stations/{id}/service-area', path: '/api/v1/stations/{station}/service-area?mode=ebike', waitReady: true },
  { name: 'service-areas in a bbox', op: 'get /api/v1/service-areas', path: `/api/v1/service-areas?bbox=${BOX}&mode=ebike&minutes=15`, waitReady: true },
  { name: 'coverage format=geojson', op: 'get /api/v1/coverage', path: '/api/v1/coverage?format=geojson' },
  { name: 'districts format=geojson crs=bd09', op: 'get /api/v1/districts', path: '/api/v1/districts?format=geojson&crs=bd09', crs: 'bd09' },
  { name: 'coverage/gaps', op: 'get /api/v1/coverage/gaps', path: `/api/v1/coverage/gaps?bbox=${BOX}` },
  { name: 'coverage/uncovered', op: 'get /api/v1/coverage/uncovered', path: '/api/v1/coverage/uncovered?mode=ebike&minutes=15' },
  { name: 'districts format=geojson', op: 'get /api/v1/districts', path: '/api/v1/districts?format=geojson' },
  { name: 'district format=geojson', op: 'get /api/v1/districts/{id}', path: '/api/v1/districts/{district}?format=geojson', feature: true },
  { name: 'planning layer points format=geojson', op: 'get /api/v1/planning/layers/{name}/points', path: `/api/v1/planning/layers/demo-demand/points?format=geojson&bbox=${BOX}` },
  { name: 'planning/suggest format=geojson', op: 'post /api/v1/planning/suggest', path: '/api/v1/planning/suggest?format=geojson', body: { ...PLAN, p: 3 } },
  { name: 'planning/cover format=geojson', op: 'post /api/v1/planning/cover', path: '/api/v1/planning/cover?format=geojson', body: { ...PLAN, target_pct: 80 } },
];

function tileOf(lon, lat, z) {
  const n = 2 ** z, rad = (lat * Math.PI) / 180;
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) };
}

const tiles = [
  ...[12, 14, 16].map((z) => ({ kind: 'roads', layer: 'roads', ...tileOf(LON, LAT, z), route: 'tiles/roads' })),
  ...[10, 12, 14].map((z) => ({ kind: 'coverage gaps', layer: 'gaps', ...tileOf(LON, LAT, z), route: 'coverage/gaps/tiles' })),
  // Clusters below zoom 12, stations from 12.
  ...[8, 11, 14].map((z) => ({ kind: 'stations', layer: 'stations', ...tileOf(LON, LAT, z), route: 'tiles/stations' })),
];

async function get(path, init) {
  const res = await fetch(BASE + path, init);
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') ?? '', body };
}

async function ids() {
  const stations = JSON.parse((await get(`/api/v1/stations?bbox=${BOX}&limit=1`)).body);
  const districts = JSON.parse((await get('/api/v1/districts')).body);
  return { station: stations.items[0].id, district: districts.items?.[0]?.id ?? districts[0]?.id };
}

async function load(e, known) {
  const path = e.path.replace('{station}', known.station).replace('{district}', known.district);
  const init = e.body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(e.body) } : undefined;
  // Service areas are computed by a background job after start-up: wait (≤ 120 s) until they are ready.
  for (let i = 0; ; i++) {
    const r = await get(path, init);
    if (!e.waitReady || r.status !== 200 || JSON.parse(r.body).state === 'ready' || i >= 120) return { ...r, path };
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}

function polygonsOf(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  if (geometry.type === 'GeometryCollection') return geometry.geometries.flatMap(polygonsOf);
  return [];
}

const featuresOf = (doc) => (doc.type === 'Feature' ? [doc] : doc.features ?? []);
const hasOgrinfo = spawnSync('ogrinfo', ['--version']).status === 0;

const known = await ids();
const openapi = JSON.parse((await get('/swagger/v1/swagger.json')).body);
// The document's components as one schema, so each response schema's $refs resolve; nullable is OpenAPI 3.0's, which Ajv reads.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'openapi', components: openapi.components });

/** The schema the OpenAPI document gives an operation's 200 answer of a content type, or undefined. */
function documented(op, contentType) {
  const [method, path] = op.split(' ');
  const schema = openapi.paths[path]?.[method]?.responses?.['200']?.content?.[contentType]?.schema;
  return schema && JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
}

const csvExports = [
  { name: 'stations format=csv', op: 'get /api/v1/stations', path: `/api/v1/stations?bbox=${BOX}&format=csv` },
  { name: 'coverage format=csv', op: 'get /api/v1/coverage', path: '/api/v1/coverage?format=csv' },
  { name: 'planning layer points format=csv', op: 'get /api/v1/planning/layers/{name}/points', path: `/api/v1/planning/layers/demo-demand/points?format=csv&bbox=${BOX}` },
  { name: 'planning/suggest format=csv', op: 'post /api/v1/planning/suggest', path: '/api/v1/planning/suggest?format=csv', body: { ...PLAN, p: 3 } },
  { name: 'planning/cover format=csv', op: 'post /api/v1/planning/cover', path: '/api/v1/planning/cover?format=csv', body: { ...PLAN, target_pct: 80 } },
];

for (const e of exports) {
  describe(e.name, () => {
    let res, doc;
    before(async () => {
      res = await load(e, known);
      doc = res.status === 200 ? JSON.parse(res.body) : null;
    });

    it(`${e.name} › answers 200 application/geo+json with features`, () => {
      assert.equal(res.status, 200, `${res.path}: ${res.body.toString().slice(0, 300)}`);
      assert.match(res.type, /^application\/geo\+json/);
      assert.ok(featuresOf(doc).length > 0, `${res.path}: no features, so the readers below would test nothing`);
    });

    it(`${e.name} › has no top-level crs member (RFC 7946 §4)`, () => {
      assert.ok(doc, 'no document');
      assert.equal(doc.crs, undefined, `crs = ${JSON.stringify(doc.crs)}`);
    });

    if (!e.feature) {
      it(`${e.name} › names its coordinate system (${e.crs ?? 'wgs84'}) in the foreign member coordinate_system`, () => {
        assert.ok(doc, 'no document');
        assert.equal(doc.coordinate_system, e.crs ?? 'wgs84', `coordinate_system = ${JSON.stringify(doc.coordinate_system)}` +
          `; other top-level members: ${Object.keys(doc).filter((k) => k !== 'features').join(', ')}`);
      });
    }

    it(`${e.name} › matches the schema the OpenAPI document gives it`, () => {
      assert.ok(doc, 'no document');
      const schema = documented(e.op, 'application/geo+json');
      assert.ok(schema, `${e.op} documents no application/geo+json schema`);
      const validate = ajv.compile(schema);
      const ok = validate(doc);
      assert.ok(ok, (validate.errors ?? []).slice(0, 10).map((x) => `${x.instancePath || '/'} ${x.message} ${JSON.stringify(x.params)}`).join('; '));
    });

    it(`${e.name} › OpenLayers GeoJSON readFeatures`, () => {
      assert.ok(doc, 'no document');
      // As a map does it: no dataProjection given, so OpenLayers reads the document's own (RFC 7946: none, hence EPSG:4326).
      const features = new GeoJSON().readFeatures(doc, { featureProjection: 'EPSG:3857' });
      assert.equal(features.length, featuresOf(doc).length);
    });

    it(`${e.name} › turf booleanValid on every polygon`, () => {
      assert.ok(doc, 'no document');
      const invalid = [];
      featuresOf(doc).forEach((f, i) => {
        if (polygonsOf(f.geometry).length === 0) return;
        if (!booleanValid(f.geometry)) invalid.push(`feature ${i} (${f.geometry.type}${f.id != null ? `, id ${f.id}` : ''})`);
      });
      assert.deepEqual(invalid, [], `${invalid.length} invalid: ${invalid.slice(0, 10).join('; ')}`);
    });

    it(`${e.name} › right-hand winding: outer rings counter-clockwise, holes clockwise`, () => {
      assert.ok(doc, 'no document');
      let outer = 0, holes = 0;
      const wrong = [];
      featuresOf(doc).forEach((f, i) => polygonsOf(f.geometry).forEach((rings, p) => rings.forEach((ring, r) => {
        const cw = booleanClockwise(ring);
        if (r === 0) outer++; else holes++;
        if (r === 0 ? cw : !cw) wrong.push(`feature ${i} polygon ${p} ${r === 0 ? 'outer ring clockwise' : `hole ${r} counter-clockwise`}`);
      })));
      assert.deepEqual(wrong, [], `${wrong.length} of ${outer} outer rings and ${holes} holes wound wrong: ${wrong.slice(0, 10).join('; ')}`);
    });

    it(`${e.name} › no polygon part smaller than 1 m² (specks left by contouring)`, () => {
      assert.ok(doc, 'no document');
      let parts = 0;
      const specks = [];
      featuresOf(doc).forEach((f, i) => polygonsOf(f.geometry).forEach((rings, p) => {
        parts++;
        const m2 = area({ type: 'Polygon', coordinates: rings });
        if (m2 < 1) specks.push(`feature ${i} polygon ${p}: ${m2.toFixed(3)} m²`);
      }));
      assert.deepEqual(specks, [], `${specks.length} of ${parts} polygon parts are specks: ${specks.slice(0, 10).join('; ')}`);
    });

    it(`${e.name} › GDAL ogrinfo reads it without errors or warnings`, () => {
      assert.ok(hasOgrinfo, 'ogrinfo is not installed (Debian gdal-bin; ./stationmap test installs it)');
      assert.ok(doc, 'no document');
      const dir = mkdtempSync(join(tmpdir(), 'stationmap-ogr-'));
      try {
        const file = join(dir, 'export.geojson');
        writeFileSync(file, res.body);
        const run = spawnSync('ogrinfo', ['-ro', '-al', '-so', file], { encoding: 'utf8' });
        const complaints = `${run.stderr}\n${run.stdout}`.split('\n').filter((l) => /warning|error|failed/i.test(l));
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(complaints, []);
        assert.match(run.stdout, /Feature Count: [1-9]/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

for (const c of csvExports) {
  it(`${c.name} › header row is the documented x-csv-columns`, async () => {
    const schema = documented(c.op, 'text/csv');
    assert.ok(schema?.['x-csv-columns'], `${c.op} documents no text/csv columns`);
    const init = c.body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c.body) } : undefined;
    const res = await get(c.path, init);
    assert.equal(res.status, 200, res.body.toString().slice(0, 300));
    assert.match(res.type, /^text\/csv/);
    const header = res.body.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].split(',');
    assert.deepEqual(header, schema['x-csv-columns']);
  });
}

for (const t of tiles) {
  const path = `/api/v1/${t.route}/${t.z}/${t.x}/${t.y}.mvt`;
  describe(`${t.kind} tile ${t.z}/${t.x}/${t.y}`, () => {
    it(`${t.kind} tile ${t.z}/${t.x}/${t.y} › decodes with @mapbox/vector-tile, layer ${t.layer} present, every geometry loads`, async () => {
      const res = await get(path);
      assert.equal(res.status, 200, `${path}: ${res.status} ${res.body.toString().slice(0, 200)}`);
      assert.match(res.type, /^application\/vnd\.mapbox-vector-tile/);
      const tile = new VectorTile(new PbfReader(res.body));
      assert.ok(tile.layers[t.layer], `layers present: ${Object.keys(tile.layers).join(', ') || 'none'}`);
      const layer = tile.layers[t.layer];
      assert.ok(layer.length > 0, 'layer has no features');
      assert.equal(layer.extent, 4096);
      for (let i = 0; i < layer.length; i++) {
        const f = layer.feature(i);
        assert.ok([1, 2, 3].includes(f.type), `feature ${i}: geometry type ${f.type}`);
        const rings = f.loadGeometry();
        assert.ok(rings.length > 0 && rings.every((r) => r.length > 0), `feature ${i}: empty geometry`);
        if (f.type === 3) assert.ok(rings.every((r) => r.length >= 4), `feature ${i}: polygon ring with fewer than 4 points`);
        f.toGeoJSON(t.x, t.y, t.z);
      }
    });
  });
}
