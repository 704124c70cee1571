using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Migrations;

namespace StationMap.Api.Features.Platform;

public sealed record HealthView(string Status);

public sealed record ReadyView(string Status, bool Database, IReadOnlyList<string> PendingMigrations);

public sealed record ClientConfig(
    string? BasemapStyleUrl, IReadOnlyList<string> Attribution, double[] DefaultCenter, double DefaultZoom,
    IReadOnlyList<string> Amenities, IReadOnlyList<string> Tiers, bool DemoData, RoutingConfig? Routing);

/// <summary>The loaded road network, or null when travel times are not available.</summary>
public sealed record RoutingConfig(long GraphVersion, string Region, string Source, string? Attribution,
    IReadOnlyList<string> Modes, IReadOnlyList<int> ServiceAreaMinutes, double[] Bbox);

/// <summary>Liveness, readiness and the client's configuration.</summary>
public static class PlatformEndpoints
{
    /// <summary>The probes, outside /api/v1 (a load balancer asks them, not an API client).</summary>
    public static IEndpointRouteBuilder MapProbes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthView("ok")))
            .WithTags("Platform").WithName("Health").WithSummary("The process is up");
        app.MapGet("/readyz", Ready)
            .WithTags("Platform").WithName("Ready").WithSummary("The database answers and its migrations are current (503 otherwise)");
        return app;
    }

    public static RouteGroupBuilder MapPlatform(this RouteGroupBuilder api)
    {
        api.MapGet("/config", Config)
            .WithTags("Platform").WithName("ClientConfig").WithSummary("Basemap, attribution and vocabularies for map clients");
        return api;
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
