using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure.OpeningHours;
using StationMap.Routing;

namespace StationMap.Api.Features.Coverage;

/// <summary>A station of a coverage scenario (WGS-84 degrees).</summary>
public sealed record ScenarioStation(long Id, string Name, double Lon, double Lat);

/// <summary>
/// The stations a scenario counts: every station with status open, or (with an instant) those whose
/// opening hours say open then. <see cref="UnknownHours"/> counts stations kept because their hours are
/// missing, unparseable or "unknown" at that instant (they count as open: a planner sees the optimistic
/// picture and the number of stations it rests on).
/// </summary>
public sealed record StationScenario(IReadOnlyList<ScenarioStation> Stations, int UnknownHours, int ClosedAtInstant,
    DateTimeOffset? StationsChangedAt, string Fingerprint);

public sealed record CoverageDistrict(long Id, string? Code, string Name, string? NameEn);

/// <summary>
/// A demand layer snapped to one graph version and mode. Arrays are indexed by point (ordered by id).
/// <see cref="District"/> indexes <see cref="Districts"/> (-1 = outside every district); a point in
/// two districts belongs to the one with the lowest id. Points farther than
/// <see cref="CoverageEngine.OffNetworkM"/> from a road usable by the mode are off network.
/// </summary>
public sealed class DemandSet
{
    public required long LayerId { get; init; }
    public required string Name { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required long[] Ids { get; init; }
    public required double[] Lon { get; init; }
    public required double[] Lat { get; init; }
    public required double[] Weight { get; init; }
    public required string?[] Label { get; init; }
    public required string?[] Category { get; init; }
    public required int[] District { get; init; }
    public required SnapResult[] Snap { get; init; }
    public required bool[] OnNetwork { get; init; }
    public required CoverageDistrict[] Districts { get; init; }
    public required string Key { get; init; }
    public int Count => Ids.Length;
}

/// <summary>The per-vertex access field of a scenario: nearest station by time (reverse, ≤ 60 min) for every vertex.</summary>
public sealed class AccessField
{
    public required string Key { get; init; }
    public required NearestSourceResult? Result { get; init; }
    /// <summary>Station per source index of <see cref="Result"/> (stations beyond the snap limit are left out).</summary>
    public required ScenarioStation[] Stations { get; init; }
    public required double Milliseconds { get; init; }
    public required RoutingEngine Engine { get; init; }
}

/// <summary>Seconds from each demand point to its nearest station (+∞ beyond 60 min or off network) and that station's source index (-1 none).</summary>
public sealed record PointTimes(double[] Seconds, int[] Source);

/// <summary>
/// Answers coverage questions in memory. The access field of a scenario is one multi-source reverse
/// search from its open stations (every road vertex's nearest station by time), cached per (graph
/// version, mode, station-set fingerprint); a demand layer's snaps and districts are cached per (graph
/// version, mode, layer id, layer updated_at, districts import stamp); per-point times per (field,
/// demand). Small LRUs: a new graph version, a station change or a layer re-import simply misses.
/// </summary>
public sealed class CoverageEngine(NpgsqlDataSource data)
{
    public const double MaxSeconds = 3600;
    public const double OffNetworkM = 500;
    public const string DefaultLayer = "demo-demand";

    readonly MemoryCache _fields = new(new MemoryCacheOptions { SizeLimit = 12, CompactionPercentage = 0.25 });
    readonly MemoryCache _demand = new(new MemoryCacheOptions { SizeLimit = 6, CompactionPercentage = 0.34 });
    readonly MemoryCache _times = new(new MemoryCacheOptions { SizeLimit = 24, CompactionPercentage = 0.25 });
    readonly MemoryCache _memo = new(new MemoryCacheOptions { SizeLimit = 8, CompactionPercentage = 0.25 });

    /// <summary>A small LRU for derived results keyed by the caller (e.g. candidate cover lists of a scenario).</summary>
    public T Memo<T>(string key, Func<T> build) => Cached(_memo, key, build);

    /// <summary>
    /// <see cref="Memo{T}"/> for work that awaits the database. The build runs without the request's
    /// cancellation (others may be waiting on it; the statement timeout still bounds it); a failed
    /// build is forgotten so the next request tries again.
    /// </summary>
    public async Task<T> MemoAsync<T>(string key, Func<Task<T>> build)
    {
        try { return await Cached(_memo, key, build); }
        catch { _memo.Remove(key); throw; }
    }

    T Cached<T>(MemoryCache cache, string key, Func<T> build)
    {
        var lazy = cache.GetOrCreate(key, e =>
        {
            e.Size = 1;
            return new Lazy<T>(build, LazyThreadSafetyMode.ExecutionAndPublication);
        })!;
        try { return lazy.Value; }
        catch { cache.Remove(key); throw; }
    }

    /// <summary>Stations of the scenario: status open, and open at <paramref name="at"/> by their hours when given.</summary>
    public async Task<StationScenario> StationsAsync(DateTimeOffset? at, CancellationToken ct)
    {
        var (rows, changed) = await StationStore.OpenAsync(data, ct);
        var stations = new List<ScenarioStation>(rows.Count);
        int unknown = 0, closed = 0;
        foreach (var row in rows)
        {
            if (at is { } instant)
            {
                var schedule = row.OpeningHours is null ? null : StationView.Schedules.Get(row.OpeningHours);
                var state = schedule?.Evaluate(instant, EvaluationContext.Default(StationView.Zones.Get(row.TimeZone))).Status ?? OpenStatus.Unknown;
                if (state == OpenStatus.Closed) { closed++; continue; }
                if (state == OpenStatus.Unknown) unknown++;
            }
            stations.Add(new ScenarioStation(row.Id, row.Name, row.Lon, row.Lat));
        }
        return new StationScenario(stations, unknown, closed, changed, Fingerprint(stations));
    }

    /// <summary>SHA-256 over (id, lon, lat) of the stations: equal sets share one cached field.</summary>
    public static string Fingerprint(IEnumerable<ScenarioStation> stations)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[24];
        foreach (var s in stations.OrderBy(s => s.Id))
        {
            BitConverter.TryWriteBytes(buffer[..8], s.Id);
            BitConverter.TryWriteBytes(buffer[8..16], s.Lon);
            BitConverter.TryWriteBytes(buffer[16..], s.Lat);
            hash.AppendData(buffer);
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..24];
    }

    /// <summary>The access field of a station set (cached).</summary>
    public AccessField Field(LoadedGraph graph, TravelMode mode, IReadOnlyList<ScenarioStation> stations, string? fingerprint = null)
    {
        var key = $"{graph.Info.Version}:{mode}:{fingerprint ?? Fingerprint(stations)}";
        return Cached(_fields, key, () => BuildField(graph.Engine, mode, stations, key));
    }

    /// <summary>A multi-source reverse search from the given stations (not cached: hypothetical sites).</summary>
    public static AccessField BuildField(RoutingEngine engine, TravelMode mode, IReadOnlyList<ScenarioStation> stations, string key,
        double maxSeconds = MaxSeconds)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var kept = new List<ScenarioStation>(stations.Count);
        var snaps = new List<SnapResult>(stations.Count);
        foreach (var s in stations)
        {
            if (engine.Snap(s.Lon, s.Lat, mode, OffNetworkM) is not { } snap) continue;
            kept.Add(s);
            snaps.Add(snap);
        }
        var result = snaps.Count == 0 ? null : engine.NearestSources(snaps.ToArray(), mode, SearchDirection.Reverse, maxSeconds);
        return new AccessField { Key = key, Engine = engine, Result = result, Stations = [.. kept], Milliseconds = clock.Elapsed.TotalMilliseconds };
    }

    /// <summary>The demand layer snapped for the graph and mode (cached); null when no demand layer has that name.</summary>
    public async Task<DemandSet?> DemandAsync(LoadedGraph graph, TravelMode mode, string layer, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        if (await PointLayerStore.FindAsync(conn, layer, "demand", ct) is not { } stored) return null;
        var (layerId, updated) = (stored.Id, stored.UpdatedAt);
        var districtStamp = await DistrictStore.StampAsync(conn, ct);
        var key = $"{graph.Info.Version}:{mode}:{layerId}:{updated.UtcTicks}:{districtStamp}";
        if (_demand.TryGetValue(key, out Lazy<DemandSet>? hit)) return hit!.Value;
        var loaded = await LoadDemandAsync(conn, graph.Engine, mode, layerId, layer, updated, key, ct);
        return Cached(_demand, key, () => loaded);
    }

    static async Task<DemandSet> LoadDemandAsync(NpgsqlConnection conn, RoutingEngine engine, TravelMode mode, long layerId, string name,
        DateTimeOffset updated, string key, CancellationToken ct)
    {
        var districts = new List<CoverageDistrict>();
        foreach (var (id, code, districtName, nameEn) in await DistrictStore.NamesAsync(conn, ct))
            districts.Add(new CoverageDistrict(id, code, districtName, nameEn));
        var index = districts.Select((d, i) => (d.Id, i)).ToDictionary(x => x.Id, x => x.i);

        var ids = new List<long>(); var lon = new List<double>(); var lat = new List<double>(); var weight = new List<double>();
        var label = new List<string?>(); var category = new List<string?>();
        foreach (var p in await PointLayerStore.PointsAsync(conn, layerId, null, ct))
        {
            ids.Add(p.Id); lon.Add(p.Lon); lat.Add(p.Lat); weight.Add(p.Weight);
            label.Add(p.Label); category.Add(p.Category);
        }
        // One spatial join for the districts (stationmap.district_points, migration 0009). A point in
        // two districts belongs to the lowest id.
        var position = new Dictionary<long, int>(ids.Count);
        for (var i = 0; i < ids.Count; i++) position[ids[i]] = i;
        var district = new int[ids.Count];
        Array.Fill(district, -1);
        await using (var cmd = new NpgsqlCommand("SELECT district_id, point_id FROM stationmap.district_points($1)", conn))
        {
            cmd.Parameters.AddWithValue(layerId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var d = index[r.GetInt64(0)];
                var i = position[r.GetInt64(1)];
                if (district[i] < 0 || districts[d].Id < districts[district[i]].Id) district[i] = d;
            }
        }
        var n = ids.Count;
        var snaps = new SnapResult[n];
        var on = new bool[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, i =>
        {
            if (engine.Snap(lon[i], lat[i], mode, OffNetworkM) is { } s) { snaps[i] = s; on[i] = true; }
        });
        return new DemandSet
        {
            LayerId = layerId,
            Name = name,
            UpdatedAt = updated,
            Ids = [.. ids],
            Lon = [.. lon],
            Lat = [.. lat],
            Weight = [.. weight],
            Label = [.. label],
            Category = [.. category],
            District = district,
            Snap = snaps,
            OnNetwork = on,
            Districts = [.. districts],
            Key = key,
        };
    }

    /// <summary>Per-point seconds to the nearest station of the field (cached per field and demand).</summary>
    public PointTimes Times(AccessField field, DemandSet demand) =>
        Cached(_times, $"{field.Key}|{demand.Key}", () => Evaluate(field, demand));

    public static PointTimes Evaluate(AccessField field, DemandSet demand)
    {
        var n = demand.Count;
        var seconds = new double[n];
        var source = new int[n];
        Array.Fill(seconds, double.PositiveInfinity);
        Array.Fill(source, -1);
        if (field.Result is { } result)
        {
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                if (!demand.OnNetwork[i]) return;
                (source[i], seconds[i]) = field.Engine.NearestSourceAt(result, demand.Snap[i]);
            });
        }
        return new PointTimes(seconds, source);
    }
}
