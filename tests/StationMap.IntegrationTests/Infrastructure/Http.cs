using System.Text.Json;
using System.Text.Json.Nodes;

namespace StationMap.IntegrationTests.Infrastructure;

public static class Http
{
    /// <summary>Reads a JSON body after asserting status and content type; on failure the whole response is in the message.</summary>
    public static async Task<JsonNode> Json(this HttpResponseMessage response, int status, string contentType = "application/json")
    {
        var body = await response.Content.ReadAsStringAsync();
        var actualType = response.Content.Headers.ContentType?.MediaType;
        Assert.True((int)response.StatusCode == status && actualType == contentType,
            $"expected {status} {contentType}, got {(int)response.StatusCode} {actualType}\n{response.Headers}\n{body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Asserts a 400 problem+json whose errors name <paramref name="parameter"/> and that carries a traceId.</summary>
    public static async Task<JsonNode> Problem(this HttpResponseMessage response, int status, string? parameter = null)
    {
        var problem = await response.Json(status, "application/problem+json");
        Assert.Equal(status, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["traceId"]), problem.ToJsonString());
        // One trace field, and a stable type from the problem catalogue (a relative /problems/{slug} reference).
        Assert.Null(problem["trace_id"]);
        Assert.StartsWith("/problems/", (string?)problem["type"] ?? "");
        if (parameter is not null)
        {
            var errors = problem["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(parameter), $"errors should name '{parameter}': {problem.ToJsonString()}");
            Assert.Contains(parameter, (string?)problem["detail"] ?? "");
        }
        return problem;
    }

    public static async Task<JsonNode> Json(this Task<HttpResponseMessage> response, int status, string contentType = "application/json") =>
        await (await response).Json(status, contentType);

    public static async Task<JsonNode> Problem(this Task<HttpResponseMessage> response, int status, string? parameter = null) =>
        await (await response).Problem(status, parameter);

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
