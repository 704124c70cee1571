using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;
using Npgsql;
using StationMap.Api.Features.Stations;

namespace StationMap.Api.Infrastructure;

/// <summary>Service registration and the HTTP pipeline, kept out of Program.cs so it stays a table of contents.</summary>
public static class Composition
{
    public static IServiceCollection AddStationMap(this IServiceCollection services, IConfiguration config)
    {
        var section = config.GetSection("StationMap");
        services.Configure<StationMapOptions>(section);
        var options = section.Get<StationMapOptions>() ?? new StationMapOptions();

        services.AddSingleton(_ => DataSource(config, options));
        services.AddDbContext<StationsDb>((sp, o) => o
            .UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.UseNetTopologySuite())
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(sp.GetRequiredService<Features.Stations.StationIndexWriteHook>()));
        services.AddStationIndex();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Features.Routing.GraphHost>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Routing.GraphHost>());
        services.AddSingleton<Features.Routing.IsochroneCache>();
        services.AddSingleton<Features.ServiceAreas.ServiceAreaJob>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.ServiceAreas.ServiceAreaJob>());
        services.AddSingleton<Features.Coverage.CoverageEngine>();
        services.AddSingleton<Features.Coverage.CoverageWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<Features.Coverage.CoverageWarmup>());

        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => ApiJson.Configure(o.JsonSerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemHandling();
        services.AddApiKeyAuth();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "StationMap API",
                Version = "v1",
                Description = "Rest stations for outdoor workers: nearest, search, change feed and writes. " +
                              "Coordinates lon/lat in WGS-84 unless crs=gcj02|bd09; distances in metres; errors are RFC 9457 problem details.",
            });
            o.AddSecurityDefinition(ApiKeyAuth.Scheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyAuth.HeaderName,
                Description = "API key (./stationmap apikey create --role editor|admin)",
            });
            o.OperationFilter<SwaggerConventions>();
            var xml = Path.Combine(AppContext.BaseDirectory, "StationMap.Api.xml");
            if (File.Exists(xml)) o.IncludeXmlComments(xml);
        });
        return services;
    }

    static NpgsqlDataSource DataSource(IConfiguration config, StationMapOptions options)
    {
        var cs = new NpgsqlConnectionStringBuilder(config.GetConnectionString("Stations")
            ?? throw new InvalidOperationException("ConnectionStrings:Stations is not set (./stationmap run sets it)."));
        // A client timeout alone leaves the server working: cap every statement on the server too.
        if (string.IsNullOrEmpty(cs.Options)) cs.Options = $"-c statement_timeout={options.StatementTimeoutSeconds * 1000}";
        var builder = new NpgsqlDataSourceBuilder(cs.ConnectionString);
        builder.UseNetTopologySuite();
        return builder.Build();
    }

    public static WebApplication UseStationMapPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSwagger();
        app.UseSwaggerUI(o => o.DocumentTitle = "StationMap API");
        app.UseRouting();
        app.UseBodySizeLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
