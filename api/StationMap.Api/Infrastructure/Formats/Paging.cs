using Microsoft.AspNetCore.Http.Extensions;

namespace StationMap.Api.Infrastructure.Formats;

/// <summary>RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c> on paged lists, so a client (or a CSV download) knows more pages exist.</summary>
public static class Paging
{
    /// <summary>
    /// Sets <c>Link</c> to the absolute URL of the next page (the same path and query with
    /// <paramref name="pageParameter"/> = page + 1) when <paramref name="hasMore"/>; otherwise sends none.
    /// </summary>
    public static void NextLink(HttpContext http, int page, bool hasMore, string pageParameter = "page")
    {
        if (!hasMore) return;
        var request = http.Request;
        var query = request.Query
            .Where(q => !string.Equals(q.Key, pageParameter, StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new KeyValuePair<string, string?>(pageParameter, (page + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var url = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, QueryString.Create(query));
        http.Response.Headers.Append("Link", $"<{url}>; rel=\"next\"");
    }
}
