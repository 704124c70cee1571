using StationMap.Api.Features.Stations;
namespace StationMap.Api.Features.Live;

/// <summary>Registration of the live layer: its state, writer, devices and limits, and its endpoints.</summary>
public static class LiveServices
{
    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<LiveOptions>(config.GetSection("StationMap:Live"));
        services.AddSingleton<LiveState>();
        services.AddSingleton<ILiveState>(sp => sp.GetRequiredService<LiveState>());
        services.AddSingleton<ILiveChangeApplier>(sp => sp.GetRequiredService<LiveState>());
        services.AddHostedService(sp => sp.GetRequiredService<LiveState>());
        services.AddSingleton<LiveWriter>();
        services.AddSingleton<ILiveChangeLog>(sp => sp.GetRequiredService<LiveWriter>());
        services.AddSingleton<DeviceStore>();
        services.AddSingleton<LiveLimits>();
        return services;
    }

    public static RouteGroupBuilder MapLive(this RouteGroupBuilder api)
    {
        DeviceEndpoints.Map(api);
        SignalEndpoints.Map(api);
        return api;
    }
}
