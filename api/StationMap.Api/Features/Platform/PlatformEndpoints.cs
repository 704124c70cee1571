using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Migrations;

namespace StationMap.Api.Features.Platform;

public sealed record HealthView(string Status);

/// <summary>The process's memory, for soak runs and dashboards: working set and the GC heap after the last collection (bytes).</summary>
public sealed record RuntimeView(long WorkingSetBytes, long GcHeapBytes, long GcCommittedBytes, long GcTotalAllocatedBytes, int Gen2Collections);

public sealed record ReadyView(string Status, bool Database, IReadOnlyList<string> PendingMigrations);

public sealed record ClientConfig(
    string? BasemapStyleUrl, IReadOnlyList<string> Attribution, double[] DefaultCenter, double DefaultZoom,
    IReadOnlyList<string> Amenities, IReadOnlyList<string> Tiers, bool DemoData, RoutingConfig? Routing);

/// <summary>The loaded road network, or null when travel times are not available.</summary>
public sealed record RoutingConfig(long GraphVersion, string Region, string Source, string? Attribution,
    IReadOnlyList<string> Modes, IReadOnlyList<int> ServiceAreaMinutes, double[] Bbox);

/// <summary>This API instance among the others on its database (GET /api/v1/status).</summary>
/// <param name="Instance">StationMap:InstanceId, or host-pid-random when unset.</param>
/// <param name="StartedAt">When this process started.</param>
/// <param name="Leads">The background jobs this instance runs now (it holds their advisory locks).</param>
/// <param name="Jobs">Every job that runs once across instances, with the instance that leads it (null: none, or unknown).</param>
/// <param name="Notifications">The instance's one LISTEN connection, through which its caches follow the database.</param>
/// <param name="RateLimits">Where rate limits are counted now: redis (shared) or in-process.</param>
/// <param name="GraphVersion">The road graph version in this instance's memory, or null.</param>
public sealed record InstanceStatus(string Instance, DateTimeOffset StartedAt, IReadOnlyList<string> Leads,
    IReadOnlyList<Infrastructure.Instances.JobLeadership> Jobs, Infrastructure.Instances.NotificationStatus Notifications,
    Infrastructure.Http.RateLimitStoreStatus RateLimits, long? GraphVersion);

/// <summary>Liveness, readiness, this instance's status and the client's configuration.</summary>
public static class PlatformEndpoints
{
    /// <summary>The probes, outside /api/v1 (a load balancer asks them, not an API client).</summary>
    public static IEndpointRouteBuilder MapProbes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthView("ok")))
            .WithTags("Platform").WithName("Health").WithSummary("The process is up");
        app.MapGet("/healthz/runtime", Runtime)
            .WithTags("Platform").WithName("HealthRuntime").WithSummary("The process's working set and GC heap (bytes), for soak runs");
        app.MapGet("/readyz", Ready)
            .WithTags("Platform").WithName("Ready").WithSummary("The database answers and its migrations are current (503 otherwise)");
        return app;
    }

    public static RouteGroupBuilder MapPlatform(this RouteGroupBuilder api)
    {
        api.MapGet("/config", Config)
            .WithTags("Platform").WithName("ClientConfig").WithSummary("Basemap, attribution and vocabularies for map clients");
        api.MapGet("/status", Status)
            .WithTags("Platform").WithName("InstanceStatus")
            .WithSummary("This API instance: its id, the background jobs it leads (and who leads the others), its notification listener and rate-limit store")
            .WithDescription("Answered from memory, without the database: with several instances behind a proxy, each answer is the instance that served it. " +
                             "Never cached.");
        return api;
    }

    static Ok<RuntimeView> Runtime()
    {
        var gc = GC.GetGCMemoryInfo();
        return TypedResults.Ok(new RuntimeView(Environment.WorkingSet, gc.HeapSizeBytes, gc.TotalCommittedBytes,
            GC.GetTotalAllocatedBytes(), GC.CollectionCount(2)));
    }

    static Ok<InstanceStatus> Status(Infrastructure.Instances.InstanceIdentity instance, Infrastructure.Instances.Leadership leadership,
        Infrastructure.Instances.PgNotifications notifications, Infrastructure.Http.IRateLimitStore limits, Features.Routing.GraphHost graphs, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        var jobs = leadership.Jobs;
        return TypedResults.Ok(new InstanceStatus(instance.Id, instance.StartedAt, jobs.Where(j => j.LeadsHere).Select(j => j.Job).ToList(),
            jobs, notifications.Status, limits.Status, graphs.Default?.Info.Version));
    }

    static async Task<Results<Ok<ReadyView>, JsonHttpResult<ReadyView>>> Ready(Npgsql.NpgsqlDataSource data, DatabaseOutageMonitor outage,
        HttpContext http, CancellationToken ct)
    {
        try
        {
            // Plain Npgsql, not EF Core: the probe's time limit is for the database, not for
            // building the EF model on the first request of a cold process.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var applied = new List<string>();
            await using (var cmd = data.CreateCommand("SELECT scriptname FROM public.schemaversions"))
            await using (var r = await cmd.ExecuteReaderAsync(timeout.Token))
                while (await r.ReadAsync(timeout.Token)) applied.Add(r.GetString(0));
            var pending = MigrationRunner.ScriptNames().Except(applied).ToList();
            var view = new ReadyView(pending.Count == 0 ? "ready" : "migrations pending", true, pending);
            if (pending.Count == 0) return TypedResults.Ok(view);
            http.Response.Headers.RetryAfter = outage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Json(view, statusCode: 503);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or OperationCanceledException || DatabaseOutage.IsOutage(e))
        {
            if (DatabaseOutage.IsOutage(e)) outage.Failed(e, "GET /readyz");
            http.Response.Headers.RetryAfter = outage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Json(new ReadyView("database unavailable", false, []), statusCode: 503);
        }
    }

    static async Task<Ok<ClientConfig>> Config(StationsDb db, IOptions<StationMapOptions> options, Features.Routing.GraphHost graphs, CancellationToken ct)
    {
        var demo = await db.Stations.AnyAsync(s => s.IsDemo && s.DeletedAt == null, ct);
        var o = options.Value;
        var style = string.IsNullOrWhiteSpace(o.BasemapStyleUrl) ? null : o.BasemapStyleUrl;
        return TypedResults.Ok(new ClientConfig(
            style, style is null ? [] : o.BasemapAttribution ?? [],
            [o.DefaultCenterLon, o.DefaultCenterLat], o.DefaultZoom,
            StationVocabulary.Amenities, StationVocabulary.Tiers, demo, Routing(graphs.Default)));
    }

    static RoutingConfig? Routing(Features.Routing.LoadedGraph? graph)
    {
        if (graph is null) return null;
        var b = graph.Engine.Graph.Bounds;
        return new RoutingConfig(graph.Info.Version, graph.Info.Region, graph.Info.Source, graph.Info.Attribution,
            ["walk", "ebike"], [5, 10, 15], [b.MinLon, b.MinLat, b.MaxLon, b.MaxLat]);
    }
}
