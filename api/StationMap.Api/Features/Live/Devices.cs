using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <summary>A device as the ingest sees it.</summary>
public sealed record DeviceRecord(long Id, double Trust, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? BlockedAt, string? BlockReason,
    int ConfirmedCount, int ContradictedCount);

/// <summary>A new device: its token is shown only in this answer.</summary>
/// <param name="Id">The device's id (what moderators see; it says nothing about the phone).</param>
/// <param name="Token">Send it as X-Device-Token with every check-in and report; keep it secret.</param>
/// <param name="Trust">0–1: how much its signals count; grows when its reports are confirmed, shrinks when contradicted.</param>
/// <param name="CreatedAt">When the token was issued.</param>
public sealed record NewDeviceView(long Id, string Token, double Trust, DateTimeOffset CreatedAt);

/// <summary>A device (never its token).</summary>
public sealed record DeviceView(long Id, double Trust, DateTimeOffset CreatedAt, bool Blocked, string? BlockReason, int ConfirmedCount, int ContradictedCount)
{
    public static DeviceView From(DeviceRecord d) => new(d.Id, Math.Round(d.Trust, 3), d.CreatedAt, d.BlockedAt is not null, d.BlockReason, d.ConfirmedCount, d.ContradictedCount);
}

/// <summary>Body of POST /devices/{id}/block.</summary>
/// <param name="Reason">Why (kept with the block; at most 500 characters).</param>
public sealed record BlockBody(string? Reason);

/// <summary>
/// Anonymous device tokens: couriers don't log in. A token is 256 random bits ("smd_" + base64url),
/// stored as its SHA-256 only; its holder can revoke it, an editor can block the device. Lookups are
/// cached for a few seconds (a blocked or revoked device stops within that time on other instances,
/// at once on this one).
/// </summary>
public sealed class DeviceStore(NpgsqlDataSource data, IOptions<LiveOptions> options, TimeProvider clock)
{
    public const string HeaderName = "X-Device-Token";
    static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    readonly ConcurrentDictionary<string, (DeviceRecord? Device, DateTimeOffset Until)> _cache = new();

    public static string NewToken() =>
        "smd_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static string Key(byte[] hash) => Convert.ToHexString(hash);

    public async Task<(DeviceRecord Device, string Token)> CreateAsync(CancellationToken ct)
    {
        var token = NewToken();
        await using var cmd = data.CreateCommand(
            "INSERT INTO device (token_hash, token_prefix, trust, created_at) VALUES ($1, $2, $3, $4) RETURNING id, created_at");
        cmd.Parameters.AddWithValue(ApiKeyAuth.Hash(token));
        cmd.Parameters.AddWithValue(token[..8]);
        cmd.Parameters.AddWithValue((float)options.Value.Trust.Initial);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (new DeviceRecord(r.GetInt64(0), options.Value.Trust.Initial, r.GetFieldValue<DateTimeOffset>(1), null, null, null, 0, 0), token);
    }

    /// <summary>The device holding this token (revoked ones too: the caller decides), or null.</summary>
    public async Task<DeviceRecord?> FindAsync(string token, CancellationToken ct)
    {
        var hash = ApiKeyAuth.Hash(token);
        var key = Key(hash);
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && hit.Until > now) return hit.Device;
        await using var cmd = data.CreateCommand(
            "SELECT id, trust, created_at, revoked_at, blocked_at, block_reason, confirmed_count, contradicted_count FROM device WHERE token_hash = $1");
        cmd.Parameters.AddWithValue(hash);
        DeviceRecord? found = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) found = Read(r);
        if (_cache.Count > 100_000) _cache.Clear();
        _cache[key] = (found, now + CacheFor);
        return found;
    }

    public async Task<DeviceRecord?> GetAsync(long id, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand(
            "SELECT id, trust, created_at, revoked_at, blocked_at, block_reason, confirmed_count, contradicted_count FROM device WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task RevokeAsync(string token, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("UPDATE device SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL");
        cmd.Parameters.AddWithValue(ApiKeyAuth.Hash(token));
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
        _cache.TryRemove(Key(ApiKeyAuth.Hash(token)), out _);
    }

    /// <summary>Blocks (reason set) or unblocks (null) a device in the caller's transaction; false when there is no such device.</summary>
    public async Task<bool> SetBlockedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, bool blocked, string? reason, string actor, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(blocked
            ? "UPDATE device SET blocked_at = $2, blocked_by = $3, block_reason = $4 WHERE id = $1"
            : "UPDATE device SET blocked_at = NULL, blocked_by = NULL, block_reason = NULL WHERE id = $1", conn, tx);
        cmd.Parameters.AddWithValue(id);
        if (blocked)
        {
            cmd.Parameters.AddWithValue(clock.GetUtcNow());
            cmd.Parameters.AddWithValue(actor);
            cmd.Parameters.AddWithValue((object?)reason ?? DBNull.Value);
        }
        var done = await cmd.ExecuteNonQueryAsync(ct) == 1;
        _cache.Clear();
        return done;
    }

    static DeviceRecord Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetFloat(1), r.GetFieldValue<DateTimeOffset>(2),
        r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.GetInt32(6), r.GetInt32(7));

    /// <summary>The request's device, or the problem to answer (401 without a usable token, 403 when blocked).</summary>
    public async Task<(DeviceRecord? Device, ProblemHttpResult? Problem)> RequireAsync(HttpContext http, CancellationToken ct)
    {
        string? token = http.Request.Headers[HeaderName];
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200)
            return (null, Problems.Of(Problems.DeviceTokenRequired, $"Send the {HeaderName} header with a token from POST /api/v1/devices."));
        var device = await FindAsync(token.Trim(), ct);
        if (device is null || device.RevokedAt is not null)
            return (null, Problems.Of(Problems.DeviceTokenRequired, $"This {HeaderName} is unknown or revoked: get a new one with POST /api/v1/devices."));
        if (device.BlockedAt is not null)
            return (null, Problems.Of(Problems.DeviceBlocked, "This device has been blocked by a moderator" + (device.BlockReason is { } why ? $": {why}" : ".")));
        return (device, null);
    }
}

/// <summary>POST/GET/DELETE /devices and the editors' block.</summary>
public static class DeviceEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/devices").WithTags("Live");
        group.MapPost("/", Create)
            .WithName("CreateDevice")
            .WithSummary("A new anonymous device token for check-ins and reports (no account)")
            .WithDescription("The token is shown only in this answer: send it as X-Device-Token. It is stored only as its SHA-256. " +
                             "New tokens are limited per client address (429 with Retry-After).")
            .Produces<NewDeviceView>(201).ProducesProblem(429);
        group.MapGet("/me", Me)
            .WithName("GetDevice")
            .WithMetadata(new Infrastructure.OpenApi.DeviceTokenEndpoint())
            .WithSummary("The device of the X-Device-Token sent: its trust and whether it is blocked")
            .Produces<DeviceView>(200).ProducesProblem(401).ProducesProblem(403);
        group.MapDelete("/me", Revoke)
            .WithName("RevokeDevice")
            .WithMetadata(new Infrastructure.OpenApi.DeviceTokenEndpoint())
            .WithSummary("Revokes the X-Device-Token sent (its signals stay, anonymous)")
            .Produces(204).ProducesProblem(401);
        group.MapPost("/{id:long}/block", Block)
            .RequireAuthorization(ApiKeyAuth.Editor)
            .WithName("BlockDevice")
            .WithSummary("Blocks a device (editor): its signals stop counting at once and it can send no more")
            .Produces<DeviceView>(200).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapDelete("/{id:long}/block", Unblock)
            .RequireAuthorization(ApiKeyAuth.Editor)
            .WithName("UnblockDevice")
            .WithSummary("Lifts a device's block (editor)")
            .Produces<DeviceView>(200).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
    }

    static async Task<Results<Created<NewDeviceView>, ProblemHttpResult>> Create(HttpContext http, DeviceStore devices, LiveLimits limits, CancellationToken ct)
    {
        if (limits.NewDevice(http) is { } refused) return refused;
        var (device, token) = await devices.CreateAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created("/api/v1/devices/me", new NewDeviceView(device.Id, token, Math.Round(device.Trust, 3), device.CreatedAt));
    }

    static async Task<Results<Ok<DeviceView>, ProblemHttpResult>> Me(HttpContext http, DeviceStore devices, CancellationToken ct)
    {
        string? token = http.Request.Headers[DeviceStore.HeaderName];
        var device = string.IsNullOrWhiteSpace(token) ? null : await devices.FindAsync(token.Trim(), ct);
        if (device is null || device.RevokedAt is not null)
            return Problems.Of(Problems.DeviceTokenRequired, $"Send a valid {DeviceStore.HeaderName} (POST /api/v1/devices issues one).");
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(DeviceView.From(device));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Revoke(HttpContext http, DeviceStore devices, CancellationToken ct)
    {
        var token = http.Request.Headers[DeviceStore.HeaderName].ToString().Trim();
        if (token.Length is 0 or > 200 || await devices.FindAsync(token, ct) is null)
            return Problems.Of(Problems.DeviceTokenRequired, $"Send the {DeviceStore.HeaderName} to revoke.");
        await devices.RevokeAsync(token, ct);
        return TypedResults.NoContent();
    }

    static Task<Results<Ok<DeviceView>, ValidationProblem, ProblemHttpResult>> Block(long id, BlockBody? body, ClaimsPrincipal user,
        DeviceStore devices, NpgsqlDataSource data, LiveWriter log, LiveState state, TimeProvider clock, CancellationToken ct)
    {
        if (body?.Reason is { Length: > 500 })
            return Task.FromResult<Results<Ok<DeviceView>, ValidationProblem, ProblemHttpResult>>(
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["at most 500 characters"] },
                    title: Problems.InvalidParameters.Title, type: Problems.InvalidParameters.Type));
        return SetBlocked(id, true, body?.Reason, user, devices, data, log, state, clock, ct);
    }

    static async Task<Results<Ok<DeviceView>, ValidationProblem, ProblemHttpResult>> Unblock(long id, ClaimsPrincipal user,
        DeviceStore devices, NpgsqlDataSource data, LiveWriter log, LiveState state, TimeProvider clock, CancellationToken ct) =>
        await SetBlocked(id, false, null, user, devices, data, log, state, clock, ct);

    /// <summary>Blocks or unblocks, and records a change of every station the device spoke about lately (its signals stop or start counting there).</summary>
    static async Task<Results<Ok<DeviceView>, ValidationProblem, ProblemHttpResult>> SetBlocked(long id, bool blocked, string? reason, ClaimsPrincipal user,
        DeviceStore devices, NpgsqlDataSource data, LiveWriter log, LiveState state, TimeProvider clock, CancellationToken ct)
    {
        var changes = new List<LiveChange>();
        await using (var conn = await data.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            if (!await devices.SetBlockedAsync(conn, tx, id, blocked, reason?.Trim(), ApiKeyAuth.Actor(user), ct))
                return Problems.Of(Problems.DeviceNotFound, $"There is no device {id}.");
            await using (var cmd = new NpgsqlCommand("SELECT DISTINCT station_id FROM live_signal WHERE device_id = $1 AND observed_at > $2", conn, tx))
            {
                cmd.Parameters.AddWithValue(id);
                cmd.Parameters.AddWithValue(clock.GetUtcNow().AddDays(-60));
                var stations = new List<long>();
                await using (var r = await cmd.ExecuteReaderAsync(ct))
                    while (await r.ReadAsync(ct)) stations.Add(r.GetInt64(0));
                foreach (var s in stations) changes.Add(await log.RecordAsync(conn, tx, s, "device", id, ct));
            }
            await tx.CommitAsync(ct);
        }
        state.SetBlocked(id, blocked);
        await state.AppliedAsync(changes, ct);
        return TypedResults.Ok(DeviceView.From((await devices.GetAsync(id, ct))!));
    }
}
