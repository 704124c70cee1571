import { describe, expect, it } from 'vitest';
import { fakeMap, validLayers } from './fakeMap.js';
import { SERVICE_AREA_FILL, SERVICE_AREA_LINE, SERVICE_AREA_SOURCE, bandPaint, createServiceAreaLayer } from './serviceArea.js';
import { CLUSTERS_LAYER } from './stations.js';

const area = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { minutes: 5 }, geometry: { type: 'Polygon', coordinates: [[[120, 30], [120.1, 30], [120, 30.1], [120, 30]]] } }] };

describe('service-area layer', () => {
  it('adds its source and layers once, below the station clusters when they exist, then only sets data', () => {
    const map = fakeMap();
    map.addLayer({ id: CLUSTERS_LAYER, type: 'circle', source: 'sm-stations' });
    const layer = createServiceAreaLayer(map, { beforeId: CLUSTERS_LAYER });
    layer.ensure();
    layer.setData(area, 'walk');
    layer.setData(null, 'ebike');
    layer.ensure();
    expect(map.layers.map((l) => l.id)).toEqual([SERVICE_AREA_FILL, SERVICE_AREA_LINE, CLUSTERS_LAYER]);
    expect(map.getSource(SERVICE_AREA_SOURCE).data.features).toEqual([]);
    expect(map.getLayer(SERVICE_AREA_LINE).paint['line-color']).toBe(bandPaint('ebike').line);
    expect(validLayers(map)).toEqual([]);
  });

  it('draws the bands in the colours of their mode', () => {
    const map = fakeMap();
    createServiceAreaLayer(map).setData(area, 'walk');
    expect(map.getSource(SERVICE_AREA_SOURCE).data).toBe(area);
    expect(map.getLayer(SERVICE_AREA_FILL).paint['fill-color']).toEqual(bandPaint('walk').fill);
  });
});
