using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// API keys for writes: <c>X-Api-Key: sm_…</c> or <c>Authorization: Bearer sm_…</c>. Keys are random
/// 256-bit secrets, so a plain SHA-256 is stored (no slow hash needed); roles reader &lt; editor &lt; admin,
/// and <c>operator</c> beside them: station staff and sensors of one operator, who may change the live
/// state of that operator's stations only (claim <see cref="OperatorClaim"/>; see <see cref="MaySpeakFor"/>).
/// </summary>
public static class ApiKeyAuth
{
    public const string Scheme = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string Editor = "editor";
    public const string Admin = "admin";
    public const string Operator = "operator";
    /// <summary>The claim holding an operator key's operator name.</summary>
    public const string OperatorClaim = "stationmap:operator";
    /// <summary>Policy: an operator key, or an editor or admin key (who keep their powers over every station).</summary>
    public const string LiveWriter = "live-writer";
    public static readonly string[] Roles = ["reader", Editor, Admin, Operator];

    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Editor, p => p.RequireRole(Editor, Admin))
            .AddPolicy(Admin, p => p.RequireRole(Admin))
            .AddPolicy(LiveWriter, p => p.RequireRole(Operator, Editor, Admin));
        return services;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>A new key: "sm_" + 43 base64url characters (256 bits).</summary>
    public static string NewKey() =>
        "sm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The operator an operator key speaks for; null for every other caller.</summary>
    public static string? OperatorOf(ClaimsPrincipal user) => user.IsInRole(Operator) ? user.FindFirstValue(OperatorClaim) : null;

    /// <summary>
    /// May this caller change the live state (and work the tickets) of a station run by <paramref name="stationOperator"/>?
    /// Editors and admins: every station. An operator key: only stations whose operator is exactly its own.
    /// </summary>
    public static bool MaySpeakFor(ClaimsPrincipal user, string? stationOperator) =>
        user.IsInRole(Editor) || user.IsInRole(Admin)
        || (user.IsInRole(Operator) && stationOperator is not null && string.Equals(OperatorOf(user), stationOperator, StringComparison.Ordinal));

    /// <summary>The key id of the current request, or null without one.</summary>
    public static long? KeyId(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) && user.Identity?.AuthenticationType == Scheme ? id : null;

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

            List<Claim> claims = [new(ClaimTypes.NameIdentifier, found.Id.ToString()), new(ClaimTypes.Name, found.Name), new(ClaimTypes.Role, found.Role)];
            if (found.Operator is not null) claims.Add(new(OperatorClaim, found.Operator));
            var identity = new ClaimsIdentity(claims, ApiKeyAuth.Scheme);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyAuth.Scheme));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.Headers.WWWAuthenticate = $"{ApiKeyAuth.Scheme} header=\"{HeaderName}\"";
            return WriteProblem(Problems.ApiKeyRequired,
                $"Send a key with the {HeaderName} header (create one with ./stationmap apikey create --role editor).");
        }

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
            WriteProblem(Problems.Forbidden, "Writes need an editor key; deleting and bulk import need an admin key; live state needs an operator, editor or admin key.");

        Task WriteProblem(ProblemKind kind, string detail)
        {
            Response.StatusCode = kind.Status;
            var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
            return problems.WriteAsync(new() { HttpContext = Context, ProblemDetails = Problems.Details(kind, detail) }).AsTask();
        }
    }
}
