using Npgsql;
using StationMap.Api.Features.Routing;
using StationMap.Routing;

namespace StationMap.Api.Features.Coverage;

/// <summary>
/// Fills the coverage caches in the background when a road graph is loaded: every demand layer's
/// points, district join and road snaps, and the access field of today's open stations, for walk
/// and e-bike. Loading and snapping 100,000 demand points takes over a second; without this the
/// first planner to open the map after a start or a graph change pays for it.
/// </summary>
public sealed class CoverageWarmup(GraphHost graphs, CoverageEngine engine, NpgsqlDataSource data,
    Microsoft.Extensions.Options.IOptions<Infrastructure.StationMapOptions> options, ILogger<CoverageWarmup> log) : BackgroundService
{
    /// <summary>At most this many demand layers are warmed (demo first, then the most recently changed).</summary>
    const int MaxLayers = 4;
    readonly SemaphoreSlim _wake = new(0);
    readonly System.Collections.Concurrent.ConcurrentQueue<string> _layers = new();
    readonly Infrastructure.OutageLog _outage = new(log, "Coverage warm-up");

    /// <summary>Warms one demand layer (just uploaded or replaced) on every loaded region.</summary>
    public void Wake(string layer)
    {
        if (!options.Value.WarmCoverageCaches) return;
        _layers.Enqueue(layer);
        _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!options.Value.WarmCoverageCaches) return;
        graphs.Loaded += _ => _wake.Release();
        if (graphs.Regions.Count == 0) await _wake.WaitAsync(stop);
        var warmed = new Dictionary<string, long>(StringComparer.Ordinal);
        while (!stop.IsCancellationRequested)
        {
            var named = new List<string>();
            while (_layers.TryDequeue(out var layer)) named.Add(layer);
            var allDone = true;
            // Each region in turn: a region with a new graph warms every layer; otherwise just the layers named by uploads.
            foreach (var graph in graphs.Regions.All)
            {
                var done = warmed.GetValueOrDefault(graph.Info.Region, -1) != graph.Info.Version ? await WarmAsync(graph, null, stop)
                    : named.Count == 0 || await WarmAsync(graph, named.Distinct().ToList(), stop);
                if (!done) { allDone = false; break; }
                warmed[graph.Info.Region] = graph.Info.Version;
            }
            if (!allDone)
            {
                // The database was unreachable: put the layers back and try again shortly.
                foreach (var layer in named) _layers.Enqueue(layer);
                try { await _wake.WaitAsync(TimeSpan.FromSeconds(5), stop); } catch (OperationCanceledException) { return; }
                continue;
            }
            try { await _wake.WaitAsync(stop); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>False when the database was unreachable (worth another try); true when done or failed for another reason.</summary>
    async Task<bool> WarmAsync(LoadedGraph graph, List<string>? only, CancellationToken ct)
    {
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var layers = only ?? [];
            if (only is null) layers.AddRange(await PointLayerStore.DemandLayerNamesAsync(data, MaxLayers, ct));
            var scenario = await engine.StationsAsync(null, ct);
            foreach (var mode in new[] { TravelMode.Ebike, TravelMode.Walk })
            {
                var field = engine.Field(graph, mode, scenario.Stations, scenario.Fingerprint);
                foreach (var layer in layers)
                    if (await engine.DemandAsync(graph, mode, layer, ct) is { } demand) engine.Times(field, demand);
            }
            log.LogInformation("Coverage caches warmed for graph {Version} ({Region}): {Layers} demand layer(s) in {Ms} ms",
                graph.Info.Version, graph.Info.Region, layers.Count, clock.ElapsedMilliseconds);
            _outage.Succeeded();
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { return true; }
        catch (Exception e) when (Infrastructure.DatabaseOutage.IsOutage(e))
        {
            _outage.Failed(e);
            return false;
        }
        catch (Exception e)
        {
            // Only a head start: requests compute whatever is missing themselves.
            log.LogWarning(e, "Warming the coverage caches failed");
            return true;
        }
    }
}
