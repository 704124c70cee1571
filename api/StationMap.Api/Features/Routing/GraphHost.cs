using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Infrastructure;
using StationMap.Routing;

namespace StationMap.Api.Features.Routing;

/// <summary>A region's road graph in memory: its stored identity, the engine built from it and the area it answers for.</summary>
public sealed record LoadedGraph(GraphInfo Info, RoutingEngine Engine, DateTimeOffset LoadedAt, RegionArea Area);

/// <summary>Where a point's query goes: a region's graph, or the problem to answer (503 no region loaded, 422 outside every region).</summary>
public readonly record struct RegionLookup(LoadedGraph? Graph, ProblemHttpResult? Problem);

/// <summary>
/// Keeps every active region's road graph in memory. Loads them at start-up (in the background, so
/// the API answers at once), then, when an importer announces a region on <see cref="RoadGraphStore.Channel"/>
/// (LISTEN/NOTIFY through the instance's shared <see cref="Infrastructure.Instances.PgNotifications"/>; the
/// payload names the region), after that listener's reconnects, or at the periodic check, compares each region's
/// active version with the one in memory and loads only the regions that changed; the others keep
/// their arrays. Readers take <see cref="Regions"/> once per request; a reload swaps the set atomically.
/// </summary>
public sealed class GraphHost(NpgsqlDataSource data, Infrastructure.Instances.PgNotifications notifications, ILogger<GraphHost> log,
    Microsoft.Extensions.Options.IOptions<StationMapOptions>? options = null) : BackgroundService
{
    readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(30);
    readonly OutageLog _outage = new(log, "Road graph watch");
    readonly SemaphoreSlim _oneReload = new(1, 1);
    readonly Lock _publish = new();
    volatile RegionSet _regions = RegionSet.Empty;

    /// <summary>The regions in memory now.</summary>
    public RegionSet Regions => _regions;

    /// <summary>The region answering requests without a point (see <see cref="RegionSet.Default"/>); null when none is loaded.</summary>
    public LoadedGraph? Default
    {
        get
        {
            var o = options?.Value ?? new StationMapOptions();
            return _regions.Default(o.DefaultCenterLon, o.DefaultCenterLat);
        }
    }

    /// <summary>The region of a WGS-84 point: its graph, 503 while no region is loaded, 422 naming the nearest region outside all of them.</summary>
    public RegionLookup For(double lon, double lat)
    {
        var regions = _regions;
        if (regions.Count == 0) return new(null, Problems.NoRoadNetwork());
        if (regions.Find(lon, lat) is { } graph) return new(graph, null);
        var (nearest, distance) = regions.Nearest(lon, lat)!.Value;
        return new(null, Problems.OutsideRegions(nearest.Info.Region, distance));
    }

    /// <summary>The region of a WGS-84 box (<see cref="RegionSet.Find(NetTopologySuite.Geometries.Envelope)"/>): 503 while none is loaded, 422 naming the nearest region when it touches none.</summary>
    public RegionLookup For(NetTopologySuite.Geometries.Envelope box)
    {
        var regions = _regions;
        if (regions.Count == 0) return new(null, Problems.NoRoadNetwork());
        if (regions.Find(box) is { } graph) return new(graph, null);
        var (nearest, distance) = regions.Nearest(box.Centre.X, box.Centre.Y)!.Value;
        return new(null, Problems.OutsideRegions(nearest.Info.Region, distance));
    }

    /// <summary>Raised after a region's new graph version is in place.</summary>
    public event Action<LoadedGraph>? Loaded;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        // The instance's shared listener: an announcement names its region (only that one is looked
        // up); a reconnect (notifications may have been missed) and the periodic check look at all.
        var announced = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var subscription = notifications.Subscribe(RoadGraphStore.Channel,
            payload => { announced.Enqueue(string.IsNullOrEmpty(payload) ? null : payload); _wake.Writer.TryWrite(true); },
            () => { announced.Enqueue(null); _wake.Writer.TryWrite(true); });
        var all = true;
        while (!stop.IsCancellationRequested)
        {
            var wait = PollEvery;
            try
            {
                var regions = new HashSet<string>(StringComparer.Ordinal);
                while (announced.TryDequeue(out var region))
                    if (region is null) all = true;
                    else regions.Add(region);
                if (all) await ReloadIfChangedAsync(stop);
                else foreach (var region in regions) await ReloadIfChangedAsync(region, stop);
                all = false;
                _outage.Succeeded();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // The graphs in memory keep serving; an outage is logged once, anything else each time,
                // and neither may end the loop (an exception escaping a BackgroundService stops the host).
                if (DatabaseOutage.IsOutage(e)) _outage.Failed(e);
                else log.LogError(e, "Road graph watch failed; retrying");
                all = true;
                wait = TimeSpan.FromSeconds(5);
            }
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timer.CancelAfter(wait);
            try { await _wake.Reader.ReadAsync(timer.Token); }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested) { all = true; }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// Loads each region whose active version differs from the one in memory (in parallel, one connection
    /// each) and drops regions no longer active; unchanged regions keep their arrays. Each region is
    /// published as soon as it is loaded. Public for tests, the CLI and the benchmark.
    /// </summary>
    public Task ReloadIfChangedAsync(CancellationToken ct = default) => ReloadIfChangedAsync(null, ct);

    /// <summary>As <see cref="ReloadIfChangedAsync(CancellationToken)"/> for one region (null: all), as a NOTIFY names it.</summary>
    public async Task ReloadIfChangedAsync(string? region, CancellationToken ct = default)
    {
        await _oneReload.WaitAsync(ct);
        try
        {
            List<GraphInfo> active;
            await using (var conn = await data.OpenConnectionAsync(ct))
                active = region is null ? await RoadGraphStore.ActiveInfosAsync(conn, ct)
                    : await RoadGraphStore.ActiveInfoAsync(conn, region, ct) is { } one ? [one] : [];
            var names = active.Select(i => i.Region).ToHashSet(StringComparer.Ordinal);
            bool Gone(LoadedGraph g) => (region is null || g.Info.Region == region) && !names.Contains(g.Info.Region);
            Publish(set => set.All.Any(Gone) ? new RegionSet(set.All.Where(g => !Gone(g))) : set);
            var changed = active.Where(i => _regions[i.Region]?.Info.Version != i.Version).ToList();
            await Parallel.ForEachAsync(changed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = ct },
                async (info, token) =>
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    GraphData graphData;
                    await using (var conn = await data.OpenConnectionAsync(token)) graphData = await RoadGraphStore.LoadAsync(conn, info, token);
                    var hull = info.Hull ?? RegionHull.Compute(graphData) ?? RoutingEngine.GeometryFactory.CreatePolygon();
                    var graph = new LoadedGraph(info, new RoutingEngine(graphData), DateTimeOffset.UtcNow, new RegionArea(hull));
                    Publish(set => new RegionSet(set.All.Where(g => g.Info.Region != info.Region).Append(graph)));
                    log.LogInformation("Road graph {Version} ({Region}) loaded: {Vertices} vertices, {Edges} edges in {Ms} ms",
                        info.Version, info.Region, info.VertexCount, info.EdgeCount, clock.ElapsedMilliseconds);
                    Loaded?.Invoke(graph);
                });
        }
        finally { _oneReload.Release(); }
    }

    void Publish(Func<RegionSet, RegionSet> change)
    {
        lock (_publish) _regions = change(_regions);
    }
}
