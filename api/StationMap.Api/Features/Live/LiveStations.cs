using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Live;

/// <summary>
/// A WGS-84 box in degrees as the feed and the stream test stations against it; <see cref="West"/> &gt;
/// <see cref="East"/> crosses the antimeridian, as <see cref="Bbox"/> allows.
/// </summary>
public readonly record struct LiveBox(double West, double South, double East, double North)
{
    public static LiveBox Of(Bbox b) => new(b.MinLon, b.MinLat, b.MaxLon, b.MaxLat);

    public bool Contains(double lon, double lat) =>
        lat >= South && lat <= North && (West <= East ? lon >= West && lon <= East : lon >= West || lon <= East);

    public double LonSpan => West <= East ? East - West : East - West + 360;

    public override string ToString() => string.Join(',', new[] { West, South, East, North }.Select(d => d.ToString("R", CultureInfo.InvariantCulture)));
}

/// <summary>The stations of a box, in id order, and the index generation they were read from (-1: read from SQL).</summary>
internal sealed record StationsInBox(IReadOnlyList<StationIndexRecord> Stations, long Generation, bool TooMany);

/// <summary>
/// Where the feed and the stream find stations: the in-memory <see cref="StationIndex"/> (its spatial
/// tree for boxes, a per-snapshot id map for positions), or SQL while the index is disabled. The
/// index follows every committed station change (see <see cref="StationIndex"/>), so a feed never
/// lists a deleted station and a moved one is matched to subscribers at its new position.
/// </summary>
internal sealed class LiveStations(StationIndex index, NpgsqlDataSource data, IServiceScopeFactory scopes)
{
    sealed record Positions(long Generation, Dictionary<long, (double Lon, double Lat)> ById);
    volatile Positions? _positions;
    // Only while the index is disabled: positions read once by id (stations seldom move).
    readonly ConcurrentDictionary<long, (double Lon, double Lat)> _sqlPositions = new();

    async Task<StationIndexSnapshot?> SnapshotAsync(CancellationToken ct)
    {
        if (index.Current is { } s) return s;
        // Enabled but still loading: its listener reaches the sync marker once the first load is in.
        await index.SyncAsync(ct);
        return index.Current;
    }

    /// <summary>The live stations in <paramref name="bbox"/>; <see cref="StationsInBox.TooMany"/> (and no list) past <paramref name="max"/>.</summary>
    public async Task<StationsInBox> InBoxAsync(Bbox bbox, int max, CancellationToken ct)
    {
        var box = LiveBox.Of(bbox);
        var snapshot = await SnapshotAsync(ct);
        if (snapshot is null) return await InBoxFromSqlAsync(bbox, max, ct);

        var (qx, qy, qz, chord2) = Cap(box);
        var candidates = new List<StationIndexRecord>();
        snapshot.Tree.Within(qx, qy, qz, chord2, candidates);
        candidates.AddRange(snapshot.Added);
        var found = new List<StationIndexRecord>();
        foreach (var r in candidates)
        {
            if (!snapshot.IsLive(r) || !box.Contains(r.Row.Location.X, r.Row.Location.Y)) continue;
            found.Add(r);
            if (found.Count > max) return new([], snapshot.Generation, true);
        }
        found.Sort((a, b) => a.Id.CompareTo(b.Id));
        return new(found, snapshot.Generation, false);
    }

    async Task<StationsInBox> InBoxFromSqlAsync(Bbox bbox, int max, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<StationsDb>();
        var area = bbox.ToWgs84(Crs.Wgs84);
        var rows = await db.Stations.AsNoTracking().Where(s => s.DeletedAt == null && s.Geom!.Intersects(area))
            .OrderBy(s => s.Id).Take(max + 1).ToListAsync(ct);
        return rows.Count > max ? new([], -1, true) : new(rows.Select(r => StationIndexRecord.From(r, 0)).ToList(), -1, false);
    }

    /// <summary>The positions (WGS-84 lon, lat) of those of <paramref name="ids"/> that exist.</summary>
    public async Task<Dictionary<long, (double Lon, double Lat)>> LocateAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var result = new Dictionary<long, (double, double)>(ids.Count);
        var snapshot = await SnapshotAsync(ct);
        if (snapshot is not null)
        {
            var positions = PositionsOf(snapshot);
            foreach (var id in ids)
                if (positions.ById.TryGetValue(id, out var p)) result[id] = p;
            return result;
        }
        var missing = ids.Where(id => !_sqlPositions.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
        {
            await using var conn = await data.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(
                "SELECT id, ST_X(location::geometry), ST_Y(location::geometry) FROM station WHERE deleted_at IS NULL AND id = ANY($1)", conn);
            cmd.Parameters.AddWithValue(missing);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) _sqlPositions[r.GetInt64(0)] = (r.GetDouble(1), r.GetDouble(2));
        }
        foreach (var id in ids)
            if (_sqlPositions.TryGetValue(id, out var p)) result[id] = p;
        return result;
    }

    /// <summary>The id → position map of a snapshot, made once per index generation (station edits are rare next to live changes).</summary>
    Positions PositionsOf(StationIndexSnapshot snapshot)
    {
        var current = _positions;
        if (current is not null && current.Generation == snapshot.Generation) return current;
        var byId = new Dictionary<long, (double, double)>(snapshot.Count);
        foreach (var r in snapshot.Tree.Records)
            if (snapshot.IsLive(r)) byId[r.Id] = (r.Row.Location.X, r.Row.Location.Y);
        foreach (var r in snapshot.Added)
            if (snapshot.IsLive(r)) byId[r.Id] = (r.Row.Location.X, r.Row.Location.Y);
        var made = new Positions(snapshot.Generation, byId);
        _positions = made;
        return made;
    }

    /// <summary>
    /// A spherical cap around the box (unit vectors, as the tree stores them): centre at the box's
    /// middle, chord to the farthest corner or edge midpoint, loosened by 1e-6 so rounding never drops a
    /// station on the edge. Boxes wider than 90° in either direction take the whole sphere.
    /// </summary>
    static (double X, double Y, double Z, double Chord2) Cap(LiveBox box)
    {
        if (box.LonSpan > 90 || box.North - box.South > 90) return (0, 0, 0, 5);
        var midLon = box.West + box.LonSpan / 2;
        var midLat = (box.South + box.North) / 2;
        var c = Unit(midLon, midLat);
        var chord2 = 0.0;
        foreach (var lon in new[] { box.West, midLon, box.West + box.LonSpan })
            foreach (var lat in new[] { box.South, midLat, box.North })
            {
                var p = Unit(lon, lat);
                double dx = p.X - c.X, dy = p.Y - c.Y, dz = p.Z - c.Z;
                chord2 = Math.Max(chord2, dx * dx + dy * dy + dz * dz);
            }
        var chord = Math.Sqrt(chord2) * (1 + 1e-6) + 1e-9;
        return (c.X, c.Y, c.Z, chord * chord);
    }

    static (double X, double Y, double Z) Unit(double lon, double lat)
    {
        double rlat = lat * Math.PI / 180, rlon = lon * Math.PI / 180;
        return (Math.Cos(rlat) * Math.Cos(rlon), Math.Cos(rlat) * Math.Sin(rlon), Math.Sin(rlat));
    }
}
