using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// Serialisation metadata for the nearest answer generated at compile time (no reflection on the
/// hot path); the API's runtime options (snake_case, unescaped Chinese, string enums) still apply.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NearestResponse))]
internal sealed partial class StationJsonContext : JsonSerializerContext;

public static class StationIndexServices
{
    /// <summary>The in-memory nearest index, its listener, the EF hook that gives read-your-writes and the open-state table job (station tiles).</summary>
    public static IServiceCollection AddStationIndex(this IServiceCollection services)
    {
        services.AddSingleton<StationIndex>();
        services.AddHostedService(sp => sp.GetRequiredService<StationIndex>());
        services.AddSingleton<StationIndexWriteHook>();
        services.AddSingleton<StationOpenStates>();
        services.AddHostedService(sp => sp.GetRequiredService<StationOpenStates>());
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, StationJsonContext.Default));
        services.ConfigureSwaggerGen(o => o.SchemaFilter<StationSchemas>());
        return services;
    }
}
