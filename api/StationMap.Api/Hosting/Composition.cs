using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StationMap.Api.Features.Live;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Http;
using StationMap.Api.Infrastructure.Instances;
using StationMap.Api.Infrastructure.OpenApi;

namespace StationMap.Api.Hosting;

/// <summary>Service registration and the HTTP pipeline, kept out of Program.cs so it stays a table of contents.</summary>
public static class Composition
{
    public static IServiceCollection AddStationMap(this IServiceCollection services, IConfiguration config)
    {
        var section = config.GetSection("StationMap");
        services.Configure<StationMapOptions>(section);
        var options = section.Get<StationMapOptions>() ?? new StationMapOptions();

        services.AddSingleton(_ => DataSource(config, options, "Stations"));
        // Reads that may lag (tiles, lists) go to ConnectionStrings:Read when it is set (a replica); see ReadRouting.
        services.AddSingleton(sp => new ReadRouting(sp.GetRequiredService<NpgsqlDataSource>(),
            config.GetConnectionString("Read") is { Length: > 0 } ? DataSource(config, options, "Read") : null, sp.GetRequiredService<TimeProvider>()));
        services.AddHttpContextAccessor();
        services.AddSingleton<DatabaseOutageMonitor>();   // 503 + Retry-After and pool clearing when the database is gone
        services.AddSingleton(_ => new Infrastructure.Instances.SessionConnections(DataSource(config, options, "Stations", pooling: false)));
        services.AddInstances();   // instance id, the shared LISTEN connection, job leadership (several API processes on one database)
        services.AddDbContext<StationsDb>((sp, o) => o
            .UseNpgsql(sp.GetRequiredService<ReadRouting>().For(sp.GetRequiredService<IHttpContextAccessor>().HttpContext),
                npgsql => npgsql.UseNetTopologySuite())
            .UseSnakeCaseNamingConvention()
            // EF logs every failed command, connection and query as an error with a stack trace: a
            // flood of identical lines per request during an outage. The exception handler logs what
            // matters once (a 500 with its stack, an outage once per burst), so these go to Debug.
            .ConfigureWarnings(w => w.Log(
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.ConnectionError, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.TransactionError, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, LogLevel.Debug)))
            .AddInterceptors(sp.GetRequiredService<Features.Stations.StationIndexWriteHook>()));
        services.AddStationIndex();

        services.AddSingleton(TimeProvider.System);
        // Holiday calendars from public_holiday, reloaded on every change (NOTIFY); until the first load, none.
        services.AddSingleton<Features.Holidays.StoredHolidayCalendars>();
        services.AddSingleton<Infrastructure.OpeningHours.IHolidayCalendars>(sp => sp.GetRequiredService<Features.Holidays.StoredHolidayCalendars>());
        services.AddHostedService(sp => sp.GetRequiredService<Features.Holidays.StoredHolidayCalendars>());
        services.AddSingleton<Features.Routing.GraphHost>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Routing.GraphHost>());
        services.AddSingleton<Features.Routing.IsochroneCache>();
        services.AddSingleton<Features.ServiceAreas.ServiceAreaJob>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.ServiceAreas.ServiceAreaJob>());
        services.AddFaultTickets(config);   // IFaultTickets, ticket steps, the Open311 key policy
        services.AddSingleton<Features.Coverage.CoverageEngine>();
        services.AddSingleton<Features.Coverage.CoverageWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Coverage.CoverageWarmup>());
        services.AddLive(config);
        services.AddLiveDelivery();

        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => ApiJson.Configure(o.JsonSerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemHandling();
        services.AddApiKeyAuth();
        services.AddStationMapOpenApi();
        services.AddHttpPlatform(config);
        services.AddWebhooks(config);
        return services;
    }

    static NpgsqlDataSource DataSource(IConfiguration config, StationMapOptions options, string name, bool pooling = true)
    {
        var cs = new NpgsqlConnectionStringBuilder(config.GetConnectionString(name)
            ?? throw new InvalidOperationException($"ConnectionStrings:{name} is not set (./stationmap run sets it)."));
        if (!pooling) cs.Pooling = false;
        // A client timeout alone leaves the server working: cap every statement on the server too.
        if (string.IsNullOrEmpty(cs.Options)) cs.Options = $"-c statement_timeout={options.StatementTimeoutSeconds * 1000}";
        // Statements the API sends again and again (a check-in, a nearest batch, a tile) are prepared on each
        // connection after their second use, so PostgreSQL parses and plans them once: the live ingest's
        // per-signal database time falls by about a third (pgbench on the check-in statement: 1,150 → 1,615 tps).
        // A connection string that sets Max Auto Prepare (e.g. 0 behind a transaction-mode pooler) wins.
        if (cs.MaxAutoPrepare == 0 && !(config.GetConnectionString(name) ?? "").Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            cs.MaxAutoPrepare = 64;
            cs.AutoPrepareMinUsages = 2;
        }
        var builder = new NpgsqlDataSourceBuilder(cs.ConnectionString);
        builder.UseNetTopologySuite();
        return builder.Build();
    }

    public static WebApplication UseStationMapPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHttpEdge();
        app.UseStationMapOpenApi();
        app.UseRouting();
        app.UseReadYourWrites();   // before the idempotency replays, so a replayed write also pins the client's reads
        app.UseBodySizeLimits();
        app.UseAuthentication();
        app.UseHttpRequestPolicies();
        app.UseAuthorization();
        app.UseIdempotencyKeys();
        return app;
    }
}
