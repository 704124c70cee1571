using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// Turns exceptions into RFC 9457 problem details: request-binding failures name the parameter
/// (400, or 413 for an oversized body), an unreachable database is 503 with Retry-After
/// (<see cref="DatabaseOutage"/>), anything else a 500 with
/// no stack trace. Every problem carries a traceId (added by <see cref="AddProblemHandling"/>).
/// </summary>
public static partial class ProblemHandling
{
    public static IServiceCollection AddProblemHandling(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // One trace id, under the name clients expect: the framework adds its own under the JSON
            // naming policy's name (trace_id with snake_case), which is removed.
            ctx.ProblemDetails.Extensions.Remove("trace_id");
            ctx.ProblemDetails.Extensions.Remove("traceId");
            ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier;
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            // Problems not made from the catalogue (binding failures, status-code pages, middleware)
            // still get its stable type for their status instead of the framework's RFC 9110 link.
            if (ctx.ProblemDetails.Type is null or { Length: > 0 } and not ['/', ..]
                && Problems.ForStatus(ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode) is { } kind)
                ctx.ProblemDetails.Type = kind.Type;
        }).AddExceptionHandler<ExceptionToProblem>()
        // After the default writer: a problem is JSON whatever the client's Accept says (the default
        // writer declines "Accept: application/xml", and a problem nobody writes becomes an empty 500).
        .AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();

    sealed class AnyAcceptProblemWriter(Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            var http = context.HttpContext;
            ProblemDetailsDefaults(context);
            return new ValueTask(http.Response.WriteAsJsonAsync(context.ProblemDetails, json.Value.SerializerOptions.GetTypeInfo(context.ProblemDetails.GetType()), "application/problem+json"));
        }

        // What the default writer does before writing: status and its title/type, then CustomizeProblemDetails.
        static void ProblemDetailsDefaults(ProblemDetailsContext context)
        {
            var p = context.ProblemDetails;
            p.Status ??= context.HttpContext.Response.StatusCode;
            p.Title ??= ReasonPhrases.GetReasonPhrase(p.Status.Value);
            var options = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions>>().Value;
            options.CustomizeProblemDetails?.Invoke(context);
        }
    }

    [GeneratedRegex("parameter \"(?<type>[^\"]+) (?<name>[^\" ]+)\" from \"(?<value>[^\"]*)\"")]
    private static partial Regex BindingFailure();

    /// <summary>The query key the client sent for a bound parameter (binding is case-insensitive; names may use _).</summary>
    static string PublicName(HttpContext http, string bound)
    {
        static string Normal(string s) => s.Replace("_", "").ToLowerInvariant();
        return http.Request.Query.Keys.FirstOrDefault(k => Normal(k) == Normal(bound)) ?? bound;
    }

    static string Expected(string type) => type.Replace("Nullable<", "").TrimEnd('>') switch
    {
        "double" or "float" or "decimal" => "a number",
        "int" or "long" or "Int32" or "Int64" => "a whole number",
        "bool" or "Boolean" => "true or false",
        "DateTimeOffset" or "DateTime" => "an ISO 8601 date-time such as 2026-11-01T08:00:00+08:00",
        var other => $"a valid {other}",
    };

    sealed class ExceptionToProblem(IProblemDetailsService problems, ILogger<ExceptionToProblem> log) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            var problem = exception switch
            {
                BadHttpRequestException bad => Binding(http, bad),
                _ when DatabaseOutage.IsOutage(exception) => DatabaseUnavailable(http, exception),
                _ => null,
            };
            if (problem is null)
            {
                log.LogError(exception, "Unhandled exception for {Method} {Path}", http.Request.Method, http.Request.Path);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "An unexpected error occurred.",
                    Detail = "The server could not complete the request. The error has been logged.",
                };
            }
            http.Response.StatusCode = problem.Status!.Value;
            return await problems.TryWriteAsync(new() { HttpContext = http, ProblemDetails = problem, Exception = exception });
        }

        // Database unreachable (every wrapping EF Core and Npgsql put around it): 503 with Retry-After, logged once per burst.
        static ProblemDetails DatabaseUnavailable(HttpContext http, Exception exception)
        {
            var monitor = http.RequestServices.GetRequiredService<DatabaseOutageMonitor>();
            monitor.Failed(exception, $"{http.Request.Method} {http.Request.Path}");
            http.Response.Headers.RetryAfter = monitor.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return DatabaseOutage.Problem();
        }

        static ProblemDetails Binding(HttpContext http, BadHttpRequestException bad)
        {
            if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return new ValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = ["The request body is too large."] })
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request body is too large.",
                    Detail = "body: the request body exceeds the size limit for this endpoint.",
                };
            }
            var match = BindingFailure().Match(bad.Message);
            string name, message;
            if (bad.InnerException is Http.ControlCharacterException control)
            {
                name = control.Field;
                message = control.Message;
            }
            else if (match.Success)
            {
                name = PublicName(http, match.Groups["name"].Value);
                message = $"{name} must be {Expected(match.Groups["type"].Value)}; got '{match.Groups["value"].Value}'.";
            }
            else
            {
                name = "body";
                message = bad.InnerException is System.Text.Json.JsonException json
                    ? $"body: invalid JSON ({json.Message})"
                    : $"body: {bad.Message}";
            }
            return new ValidationProblemDetails(new Dictionary<string, string[]> { [name] = [message] })
            {
                Status = bad.StatusCode,
                Type = bad.StatusCode == StatusCodes.Status400BadRequest ? Http.ControlCharacters.ProblemType : null,
                Title = "One or more request parameters are invalid.",
                Detail = message,
            };
        }
    }
}
