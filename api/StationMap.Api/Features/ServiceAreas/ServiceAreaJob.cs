using System.Diagnostics;
using NetTopologySuite.Geometries;
using Npgsql;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure.Instances;
using StationMap.Routing;

namespace StationMap.Api.Features.ServiceAreas;

/// <summary>Progress of the service-area job, for the status endpoint; GraphVersion is the newest graph of the last pass.</summary>
public sealed record ServiceAreaProgress(long? GraphVersion, bool Running, int LastPassComputed, double LastPassSeconds,
    DateTimeOffset? LastPassAt, string? LastError);

/// <summary>
/// Keeps every station's 5/10/15-minute walk and e-bike service areas (reverse direction: where a
/// worker can come from) current in PostGIS. A pass recomputes the stations whose stored set is
/// missing or stale (another graph version, a move, a status change), each station's set replaced
/// in one transaction (which stations are stale: stationmap.service_area_is_stale, migration 0007).
/// Each station is computed on the graph of the region it is in (stationmap.stale_region_stations,
/// migration 0017); a station in no region is stored as outside the network.
/// Passes run at start-up, when a new graph loads, when a station changes (NOTIFY
/// stationmap_station, through the instance's shared listener) and every minute as a fallback.
/// With several instances only the leader of <see cref="LeaderJobs.ServiceAreas"/> runs passes: each
/// batch commits only while its lock is still held (<see cref="Leadership.StillLeadsAsync"/>), and
/// every station computed is logged in service_area_computation (migration 0017) with the instance
/// that did it, so "one computation per change" can be checked from any instance.
/// </summary>
public sealed class ServiceAreaJob(NpgsqlDataSource data, GraphHost graphs, PgNotifications notifications, Leadership leadership,
    ILogger<ServiceAreaJob> log) : BackgroundService
{
    public const string Channel = "stationmap_station";
    public static readonly TravelMode[] Modes = [TravelMode.Walk, TravelMode.Ebike];
    public static readonly double[] Minutes = [5, 10, 15];
    const double MaxSnapM = 500;
    const int Batch = 64;
    readonly SemaphoreSlim _wake = new(0);
    readonly SemaphoreSlim _oneAtATime = new(1, 1);
    volatile ServiceAreaProgress _progress = new(null, false, 0, 0, null, null);
    readonly Infrastructure.OutageLog _passOutage = new(log, "Service-area pass");

    public ServiceAreaProgress Progress => _progress;

    public void Wake() { if (_wake.CurrentCount == 0) _wake.Release(); }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        graphs.Loaded += _ => Wake();
        leadership.Changed += (job, leads) => { if (leads && job == LeaderJobs.ServiceAreas) Wake(); };
        // Changes announced while nobody listened (an outage, a restart) are caught by the pass that a reconnect wakes.
        using var subscription = notifications.Subscribe(Channel, _ => Wake(), Wake);
        while (!stop.IsCancellationRequested)
        {
            var retrySoon = false;
            try { await leadership.WaitToLeadAsync(LeaderJobs.ServiceAreas, stop); }
            catch (OperationCanceledException) { return; }
            try { await RunPassAsync(fenced: true, stop); _passOutage.Succeeded(); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // Never let a failure end the loop (that would stop the host); during an outage try
                // again every few seconds so the job resumes soon after the database is back.
                retrySoon = Infrastructure.DatabaseOutage.IsOutage(e);
                if (retrySoon) _passOutage.Failed(e); else log.LogError(e, "Service-area pass failed");
                _progress = _progress with { Running = false, LastError = e.Message };
            }
            try { await _wake.WaitAsync(retrySoon ? TimeSpan.FromSeconds(5) : TimeSpan.FromMinutes(1), stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Brings every station's set up to date with the loaded graph. Returns how many stations were computed.</summary>
    public Task<int> RunPassAsync(CancellationToken ct = default) => RunPassAsync(fenced: false, ct);

    /// <summary>A pass; <paramref name="fenced"/> (the background loop): stop when this instance no longer leads the job.</summary>
    async Task<int> RunPassAsync(bool fenced, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try { return await PassAsync(fenced, ct); }
        finally { _oneAtATime.Release(); }
    }

    async Task<int> PassAsync(bool fenced, CancellationToken ct)
    {
        var regions = graphs.Regions;
        if (regions.Count == 0) return 0;
        var byVersion = regions.All.ToDictionary(g => g.Info.Version);
        var newest = byVersion.Keys.Max();
        var clock = Stopwatch.StartNew();
        _progress = _progress with { GraphVersion = newest, Running = true };
        await using var conn = await data.OpenConnectionAsync(ct);
        await ServiceAreaStore.DropGoneAsync(conn, ct);
        await ServiceAreaStore.PruneComputationsAsync(conn, ct);

        var computed = 0;
        while (!fenced || leadership.Leads(LeaderJobs.ServiceAreas))
        {
            var stale = (await ServiceAreaStore.StaleAsync(conn, [.. byVersion.Keys], Batch, ct))
                .Select(x => new StaleStation(x.Id, x.Lon, x.Lat, x.Status, x.GraphVersion)).ToList();
            if (stale.Count == 0) break;
            var sets = new StationSet[stale.Count];
            Parallel.For(0, stale.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                i => sets[i] = byVersion.TryGetValue(stale[i].GraphVersion, out var g) ? Compute(g.Engine, stale[i]) : new StationSet(stale[i], null, []));
            // One transaction per batch: each station's set is still replaced as a whole (readers
            // see the old sets or the new ones), with one commit (one WAL flush) per batch instead of per station.
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                foreach (var set in sets)
                    await ServiceAreaStore.ReplaceAsync(conn, tx, set.Station.GraphVersion, set.Station.Id, set.Station.Lon, set.Station.Lat,
                        set.Station.Status, set.SnapM, set.Bands, ct);
                await ServiceAreaStore.LogComputationsAsync(conn, tx, sets.Select(x => x.Station.GraphVersion).ToArray(), sets.Select(x => x.Station.Id).ToArray(), leadership.Instance, ct);
                // The fence: a leader that lost its lock since its last poll must not write beside the new one.
                if (fenced && !await leadership.StillLeadsAsync(LeaderJobs.ServiceAreas, conn, tx, ct))
                {
                    await tx.RollbackAsync(ct);
                    log.LogWarning("Service-area pass stopped: this instance no longer leads {Job}", LeaderJobs.ServiceAreas);
                    break;
                }
                await tx.CommitAsync(ct);
            }
            computed += sets.Length;
        }
        _progress = new ServiceAreaProgress(newest, false, computed, clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow, null);
        if (computed > 0) log.LogInformation("Service areas: {Count} stations computed on {Regions} region(s) in {Seconds:F1} s", computed, regions.Count, clock.Elapsed.TotalSeconds);
        return computed;
    }

    sealed record StaleStation(long Id, double Lon, double Lat, string Status, long GraphVersion);

    sealed record StationSet(StaleStation Station, double? SnapM, List<(TravelMode Mode, double Minutes, Geometry Geometry, double AreaKm2)> Bands);

    static StationSet Compute(RoutingEngine engine, StaleStation station)
    {
        var bands = new List<(TravelMode, double, Geometry, double)>();
        double? snapM = null;
        foreach (var mode in Modes)
        {
            var result = engine.Isochrone(station.Lon, station.Lat, mode, SearchDirection.Reverse, Minutes, MaxSnapM);
            if (result is null) return new StationSet(station, null, []);
            snapM = Math.Max(snapM ?? 0, result.Origin?.DistanceM ?? 0);
            bands.AddRange(result.Bands.Select(b => (mode, b.Minutes, b.Geometry, b.AreaKm2)));
        }
        return new StationSet(station, snapM, bands);
    }
}
