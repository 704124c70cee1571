using Microsoft.AspNetCore.Authorization;

namespace StationMap.Api.Features.Live;

/// <summary>Registration of fault tickets, moderation and the Open311 facade.</summary>
public static class TicketServices
{
    public static IServiceCollection AddFaultTickets(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<TicketSteps>();
        services.AddSingleton<IFaultTickets, FaultTickets>();
        services.AddSingleton<IAuthorizationHandler, Open311Auth.Handler>();
        services.AddAuthorization(o => o.AddPolicy(Open311Auth.Policy, p => p.AddRequirements(new Open311Auth.Requirement())));
        return services;
    }
}
