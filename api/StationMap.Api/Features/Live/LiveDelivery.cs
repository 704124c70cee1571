namespace StationMap.Api.Features.Live;

/// <summary>Delivery of live state to clients: the GBFS-style feed and the Server-Sent Events stream (README, "Live feed", "Live stream").</summary>
public static class LiveDelivery
{
    public static IServiceCollection AddLiveDelivery(this IServiceCollection services)
    {
        services.AddSingleton<LiveStations>();
        services.AddSingleton<LiveStreamHub>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveStreamHub>());
        services.AddSingleton<LiveChangeRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveChangeRetention>());
        return services;
    }

    /// <summary>GET /api/v1/live (feed) and GET /api/v1/live/stream (SSE).</summary>
    public static RouteGroupBuilder MapLiveDelivery(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/live").WithTags("Live");
        LiveFeedEndpoints.MapLiveFeed(group);
        LiveStreamEndpoints.MapLiveStream(group);
        return api;
    }
}
