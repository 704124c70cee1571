using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// API keys for writes: <c>X-Api-Key: sm_…</c> or <c>Authorization: Bearer sm_…</c>. Keys are random
/// 256-bit secrets, so a plain SHA-256 is stored (no slow hash needed); roles reader &lt; editor &lt; admin.
/// </summary>
public static class ApiKeyAuth
{
    public const string Scheme = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string Editor = "editor";
    public const string Admin = "admin";
    public static readonly string[] Roles = ["reader", Editor, Admin];

    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Editor, p => p.RequireRole(Editor, Admin))
            .AddPolicy(Admin, p => p.RequireRole(Admin));
        return services;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>A new key: "sm_" + 43 base64url characters (256 bits).</summary>
    public static string NewKey() =>
        "sm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The audit actor of the current request ("apikey:3:import-bot").</summary>
    public static string Actor(ClaimsPrincipal user) =>
        $"apikey:{user.FindFirstValue(ClaimTypes.NameIdentifier)}:{user.FindFirstValue(ClaimTypes.Name)}";

    sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string? key = Request.Headers[HeaderName];
            var auth = Request.Headers.Authorization.ToString();
            if (key is null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) key = auth["Bearer ".Length..].Trim();
            if (string.IsNullOrEmpty(key)) return AuthenticateResult.NoResult();

            var found = await keys.FindActiveAsync(Hash(key), Context.RequestAborted);
            if (found is null) return AuthenticateResult.Fail("Unknown or revoked API key.");

            var identity = new ClaimsIdentity(
                [new(ClaimTypes.NameIdentifier, found.Id.ToString()), new(ClaimTypes.Name, found.Name), new(ClaimTypes.Role, found.Role)],
                ApiKeyAuth.Scheme);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyAuth.Scheme));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.Headers.WWWAuthenticate = $"{ApiKeyAuth.Scheme} header=\"{HeaderName}\"";
            return WriteProblem(Problems.ApiKeyRequired,
                $"Send a key with the {HeaderName} header (create one with ./stationmap apikey create --role editor).");
        }

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
            WriteProblem(Problems.Forbidden, "Writes need an editor key; deleting and bulk import need an admin key.");

        Task WriteProblem(ProblemKind kind, string detail)
        {
            Response.StatusCode = kind.Status;
            var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
            return problems.WriteAsync(new() { HttpContext = Context, ProblemDetails = Problems.Details(kind, detail) }).AsTask();
        }
    }
}
