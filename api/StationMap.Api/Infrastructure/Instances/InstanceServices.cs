namespace StationMap.Api.Infrastructure.Instances;

public static class InstanceServices
{
    /// <summary>
    /// What lets several API processes share one database: this instance's id, its one shared LISTEN
    /// connection (<see cref="PgNotifications"/>) and the advisory-lock leadership of the background
    /// jobs (<see cref="Leadership"/>). Registered before the features so their hosted services find them.
    /// </summary>
    public static IServiceCollection AddInstances(this IServiceCollection services)
    {
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<PgNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<PgNotifications>());
        services.AddSingleton<Leadership>();
        services.AddHostedService(sp => sp.GetRequiredService<Leadership>());
        return services;
    }
}
