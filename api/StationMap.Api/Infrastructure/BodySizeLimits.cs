using Microsoft.AspNetCore.Http.Features;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// Small request bodies by default (a station is a few KB); endpoints that take files raise the limit
/// with <see cref="WithBodyLimit{TBuilder}"/>. Past the limit Kestrel fails the read and the
/// exception handler answers 413 problem+json naming "body".
/// </summary>
public static class BodySizeLimits
{
    public const long DefaultBytes = 64 * 1024;

    sealed record BodyLimit(long Bytes);

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes));

    public static IApplicationBuilder UseBodySizeLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.Bytes ?? DefaultBytes;
        if (http.Request.ContentLength > limit)
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        await next(http);
    });
}
