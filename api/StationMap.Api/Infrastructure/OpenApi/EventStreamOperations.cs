using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>
/// Operations answering <c>text/event-stream</c> (Server-Sent Events): the body is documented as the
/// event stream it is (a string of <c>id:</c>/<c>event:</c>/<c>data:</c> lines, not one JSON value), and
/// the <c>Last-Event-ID</c> header a reconnecting EventSource sends is listed, so generated clients and
/// API browsers show how to resume.
/// </summary>
public sealed class EventStreamOperations : IOperationFilter
{
    public const string EventStream = "text/event-stream";
    public const string LastEventIdHeader = "Last-Event-ID";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Responses is null || !operation.Responses.TryGetValue("200", out var ok) || ok.Content is null
            || !ok.Content.ContainsKey(EventStream))
            return;
        ok.Content[EventStream] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Server-Sent Events (https://html.spec.whatwg.org/multipage/server-sent-events.html): events separated by a blank " +
                              "line, each of `id:`, `event:` and `data:` lines; `data` is one JSON object. Lines starting with `:` are heartbeats.",
            },
            Example = System.Text.Json.Nodes.JsonValue.Create(
                "retry: 3000\n\nid: 4711\nevent: live\ndata: {\"station_id\":12,\"seq\":4711,\"live\":{}}\n\n: keep-alive\n\n"),
        };
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => string.Equals(p.Name, LastEventIdHeader, StringComparison.OrdinalIgnoreCase))) return;
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = LastEventIdHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = "The id of the last event received; EventSource sends it by itself when it reconnects. The stream resumes " +
                          "from there (wins over a last_event_id query parameter).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]+$" },
            Example = System.Text.Json.Nodes.JsonValue.Create("4711"),
        });
    }
}
