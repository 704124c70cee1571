using Npgsql;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Routing;

namespace StationMap.Api.Features.Routing;

/// <summary>The road graph the API routes on: its stored identity and the in-memory engine built from it.</summary>
public sealed record LoadedGraph(GraphInfo Info, RoutingEngine Engine, DateTimeOffset LoadedAt);

/// <summary>
/// Keeps the active road graph in memory. Loads it at start-up (in the background, so the API
/// answers at once), then reloads when the importer announces a new version on
/// <see cref="RoadGraphStore.Channel"/> (LISTEN/NOTIFY through the instance's shared
/// <see cref="Infrastructure.Instances.PgNotifications"/>; also after its reconnects), with a periodic check as a fallback.
/// Readers take <see cref="Current"/> once per request; a reload swaps the reference atomically.
/// </summary>
public sealed class GraphHost(NpgsqlDataSource data, Infrastructure.Instances.PgNotifications notifications, ILogger<GraphHost> log) : BackgroundService
{
    readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(30);
    readonly Infrastructure.OutageLog _outage = new(log, "Road graph watch");
    volatile LoadedGraph? _current;

    public LoadedGraph? Current => _current;

    /// <summary>Raised after a new graph version is in place.</summary>
    public event Action<LoadedGraph>? Loaded;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        // The instance's shared listener: a reconnect (notifications may have been missed) also wakes a check.
        using var subscription = notifications.Subscribe(RoadGraphStore.Channel, _ => _wake.Writer.TryWrite(true), () => _wake.Writer.TryWrite(true));
        while (!stop.IsCancellationRequested)
        {
            var wait = PollEvery;
            try
            {
                await ReloadIfChangedAsync(stop);
                _outage.Succeeded();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // The graph in memory keeps serving; an outage is logged once, anything else each time,
                // and neither may end the loop (an exception escaping a BackgroundService stops the host).
                if (Infrastructure.DatabaseOutage.IsOutage(e)) _outage.Failed(e);
                else log.LogError(e, "Road graph watch failed; retrying");
                wait = TimeSpan.FromSeconds(5);
            }
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timer.CancelAfter(wait);
            try { await _wake.Reader.ReadAsync(timer.Token); }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Loads the active graph when its version differs from the one in memory. Public for tests and the CLI.</summary>
    public async Task ReloadIfChangedAsync(CancellationToken ct = default)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        var info = await RoadGraphStore.ActiveInfoAsync(conn, ct);
        if (info is null) { _current = null; return; }
        if (_current?.Info.Version == info.Version) return;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var loaded = await RoadGraphStore.LoadActiveAsync(conn, ct);
        if (loaded is null) { _current = null; return; }
        var graph = new LoadedGraph(loaded.Value.Info, new RoutingEngine(loaded.Value.Data), DateTimeOffset.UtcNow);
        _current = graph;
        log.LogInformation("Road graph {Version} ({Region}) loaded: {Vertices} vertices, {Edges} edges in {Ms} ms",
            graph.Info.Version, graph.Info.Region, graph.Info.VertexCount, graph.Info.EdgeCount, clock.ElapsedMilliseconds);
        Loaded?.Invoke(graph);
    }
}
