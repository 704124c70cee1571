using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Npgsql;
using NpgsqlTypes;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>
/// <c>Idempotency-Key</c> on writes (POST, PUT, PATCH, DELETE under /api and /open311), after the IETF
/// draft "The Idempotency-Key HTTP Header Field": the first request with a key claims the row
/// (scope, key) of idempotency_record and runs; its answer (status, Content-Type, Location, body) is
/// (and ETag) stored when the status is below 500 (and not 429 or 408), and a repeat within 24 h gets that answer again with
/// <c>Idempotent-Replayed: true</c>, running nothing. The same key with another method, path, query
/// or body is a 422; a repeat while the first still runs a 409 with Retry-After. A 5xx, 429, 408 or
/// an exception drops the claim, so the retry runs for real. An answer the database refuses to store
/// at first is stored in the background (<see cref="StoreRetryDelays"/>). The scope is the caller: the API key's id,
/// else the SHA-256 of the device token, else the client address, so two callers never share keys.
/// Runs after authentication and authorization: a refused request claims nothing.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const string DeviceTokenHeader = "X-Device-Token";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    static long _lastPurgeTicks;

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        var applies = (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method))
                      && (request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/open311"))
                      && request.Headers.ContainsKey(Header)
                      && http.GetEndpoint()?.Metadata.GetMetadata<SecretAnswer>() is null;
        if (!applies)
        {
            await next(http);
            return;
        }
        var values = request.Headers[Header];
        var key = values.Count == 1 ? values[0] ?? "" : "";
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < ' ' or > '~'))
        {
            await Problems.InvalidParameter(Header, $"{Header} must be sent once, 1–{MaxKeyLength} printable ASCII characters (a UUID, say).").ExecuteAsync(http);
            return;
        }
        await RunAsync(http, next, Scope(http), key);
    });

    /// <summary>Who is asking: apikey:ID, device:HEX(SHA-256(token)) or addr:ADDRESS.</summary>
    static string Scope(HttpContext http)
    {
        if (ApiKeyAuth.KeyId(http.User) is { } id) return "apikey:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var device = http.Request.Headers[DeviceTokenHeader].ToString();
        if (device.Length > 0) return "device:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(device)));
        var address = http.Connection.RemoteIpAddress;
        if (address is { IsIPv4MappedToIPv6: true }) address = address.MapToIPv4();
        return "addr:" + (address?.ToString() ?? "unknown");
    }

    sealed record Stored(byte[] Hash, int? Status, string? ContentType, string? Location, byte[]? Body, DateTimeOffset CreatedAt, string? ETag);

    static async Task RunAsync(HttpContext http, RequestDelegate next, string scope, string key)
    {
        var data = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        var ct = http.RequestAborted;
        var pathAndQuery = http.Request.Path.Value + http.Request.QueryString.Value;
        var hash = await RequestHashAsync(http.Request, pathAndQuery, ct);
        // To the microsecond, as PostgreSQL stores it: the claim is recognised by its created_at when it is dropped.
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        PurgeNowAndThen(data, now, http.RequestServices.GetRequiredService<ILoggerFactory>());

        for (var tries = 0; ; tries++)
        {
            if (await ClaimAsync(data, scope, key, http.Request.Method, pathAndQuery, hash, now, ct)) break;
            var stored = await FindAsync(data, scope, key, ct);
            if (stored is null && tries < 3) continue;   // dropped (a 5xx) between our claim and our read: claim again
            if (stored is not null && stored.CreatedAt <= now - Lifetime && tries < 3)
            {
                await DeleteAsync(data, scope, key, stored.CreatedAt, CancellationToken.None);   // expired: it no longer counts
                continue;
            }
            if (stored is null) throw new InvalidOperationException("The idempotency record could neither be claimed nor read.");
            if (!stored.Hash.AsSpan().SequenceEqual(hash))
            {
                await Problems.Of(Problems.IdempotencyKeyReused,
                    $"This {Header} was used within the last {Lifetime.TotalHours:0} h for a different request (method, path, query or body). Send a new key for a new request.").ExecuteAsync(http);
                return;
            }
            if (stored.Status is not { } status)
            {
                http.Response.Headers.RetryAfter = "1";
                await Problems.Of(Problems.IdempotencyInProgress,
                    $"The first request with this {Header} is still running; repeat it in a moment to get its answer.").ExecuteAsync(http);
                return;
            }
            http.Response.StatusCode = status;
            if (stored.ContentType is not null) http.Response.ContentType = stored.ContentType;
            if (stored.Location is not null) http.Response.Headers.Location = stored.Location;
            if (stored.ETag is not null) http.Response.Headers.ETag = stored.ETag;
            http.Response.Headers[ReplayedHeader] = "true";
            http.Response.Headers.CacheControl = "no-store";
            if (stored.Body is { Length: > 0 } body)
            {
                http.Response.ContentLength = body.Length;
                await http.Response.Body.WriteAsync(body, ct);
            }
            return;
        }

        // Claimed: run the request with its answer held back, store it, then send it.
        var inner = http.Features.Get<IHttpResponseBodyFeature>()!;
        var buffered = new BufferedBody(inner, () => Task.CompletedTask);
        http.Features.Set<IHttpResponseBodyFeature>(buffered);
        try
        {
            await next(http);
            await buffered.CompleteAsync();
        }
        catch
        {
            http.Features.Set(inner);
            buffered.Release();
            await DeleteAsync(data, scope, key, now, CancellationToken.None);
            throw;
        }
        http.Features.Set(inner);
        var response = http.Response;
        // "Try again later" is no answer to keep: a 5xx, a 429 (the endpoint's own limits) or a 408.
        if (response.StatusCode is >= 500 or StatusCodes.Status429TooManyRequests or StatusCodes.Status408RequestTimeout || buffered.PassedThrough)
            await DeleteAsync(data, scope, key, now, CancellationToken.None);
        else
        {
            var answer = new Answer(response.StatusCode, response.ContentType, response.Headers.Location.ToString(), response.Headers.ETag.ToString(), buffered.ToArray());
            try
            {
                await CompleteAsync(data, scope, key, now, answer, clock.GetUtcNow(), CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // The write itself is done; its answer goes out now, and is stored when the database
                // takes it again: until then a repeat meets the unfinished claim (409, Retry-After).
                var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IdempotencyKeys));
                log.LogWarning(e, "The answer to an idempotent request could not be stored ({Scope}); trying again in the background", scope);
                var stopping = http.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
                _ = Task.Run(() => StoreLaterAsync(data, clock, log, scope, key, now, answer, stopping), CancellationToken.None);
            }
        }
        if (!buffered.PassedThrough) await buffered.CopyToInnerAsync(ct);
    }

    /// <summary>SHA-256 over method, path with query and body, each length-prefixed. The body is buffered so the endpoint reads it again.</summary>
    static async Task<byte[]> RequestHashAsync(HttpRequest request, string pathAndQuery, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Part(ReadOnlySpan<byte> bytes)
        {
            Span<byte> length = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
        Part(Encoding.UTF8.GetBytes(request.Method.ToUpperInvariant()));
        Part(Encoding.UTF8.GetBytes(pathAndQuery));
        request.EnableBuffering();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);   // the body size limit applies here as it would in the endpoint (413)
        request.Body.Position = 0;
        Part(body.GetBuffer().AsSpan(0, (int)body.Length));
        return hash.GetHashAndReset();
    }

    static async Task<bool> ClaimAsync(NpgsqlDataSource data, string scope, string key, string method, string path, byte[] hash, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("""
            INSERT INTO idempotency_record (scope, key, method, path, request_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (scope, key) DO NOTHING
            """);
        cmd.Parameters.AddWithValue(scope);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(method);
        cmd.Parameters.AddWithValue(path.Length > 2000 ? path[..2000] : path);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    static async Task<Stored?> FindAsync(NpgsqlDataSource data, string scope, string key, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand(
            "SELECT request_hash, status, content_type, location, body, created_at, etag FROM idempotency_record WHERE scope = $1 AND key = $2");
        cmd.Parameters.AddWithValue(scope);
        cmd.Parameters.AddWithValue(key);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new(r.GetFieldValue<byte[]>(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetFieldValue<byte[]>(4), r.GetFieldValue<DateTimeOffset>(5),
            r.IsDBNull(6) ? null : r.GetString(6));
    }

    /// <summary>What a claimed request answered, as it is stored for replays.</summary>
    sealed record Answer(int Status, string? ContentType, string Location, string ETag, byte[] Body);

    /// <summary>Delays between the background attempts to store an answer the database refused at first: about two minutes in all.</summary>
    internal static readonly TimeSpan[] StoreRetryDelays = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)];

    /// <summary>
    /// Stores an answer whose first store failed (a database blip after the write itself was done),
    /// so that the caller's retry gets it replayed instead of a 409 until the claim expires. Gives up
    /// after <see cref="StoreRetryDelays"/> or when the application stops; the claim then stays
    /// unfinished and a repeat keeps getting 409 (never a second run of a write that may have happened).
    /// </summary>
    static async Task StoreLaterAsync(NpgsqlDataSource data, TimeProvider clock, ILogger log, string scope, string key, DateTimeOffset claimedAt, Answer answer,
        CancellationToken stopping)
    {
        foreach (var delay in StoreRetryDelays)
        {
            try
            {
                await Task.Delay(delay, stopping);
                if (await CompleteAsync(data, scope, key, claimedAt, answer, clock.GetUtcNow(), stopping))
                    log.LogInformation("The answer to an idempotent request was stored after a retry ({Scope})", scope);
                else
                    log.LogWarning("The claim of an idempotent request was gone when its answer could be stored ({Scope})", scope);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // the database still refuses: wait longer
            }
        }
        log.LogWarning("The answer to an idempotent request could not be stored; repeats get 409 until the claim expires ({Scope})", scope);
    }

    /// <summary>Stores the answer in our claim (recognised by its created_at, still unfinished); false when that claim is gone.</summary>
    static async Task<bool> CompleteAsync(NpgsqlDataSource data, string scope, string key, DateTimeOffset claimedAt, Answer answer, DateTimeOffset now,
        CancellationToken ct)
    {
        var (status, contentType, location, etag, body) = answer;
        await using var cmd = data.CreateCommand("""
            UPDATE idempotency_record SET status = $3, content_type = $4, location = $5, body = $6, completed_at = $7, etag = $8
            WHERE scope = $1 AND key = $2 AND created_at = $9 AND status IS NULL
            """);
        cmd.Parameters.AddWithValue(scope);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)contentType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = location.Length > 0 ? location : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(body);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.Add(new NpgsqlParameter { Value = etag.Length > 0 ? etag : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(claimedAt);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Drops a claim (ours, recognised by its created_at) so a retry can run.</summary>
    static async Task DeleteAsync(NpgsqlDataSource data, string scope, string key, DateTimeOffset createdAt, CancellationToken ct)
    {
        try
        {
            await using var cmd = data.CreateCommand("DELETE FROM idempotency_record WHERE scope = $1 AND key = $2 AND created_at = $3");
            cmd.Parameters.AddWithValue(scope);
            cmd.Parameters.AddWithValue(key);
            cmd.Parameters.AddWithValue(createdAt);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException) { }   // the claim then expires with the others
    }

    /// <summary>Deletes records past their lifetime, at most once an hour per instance, in the background.</summary>
    static void PurgeNowAndThen(NpgsqlDataSource data, DateTimeOffset now, ILoggerFactory logs)
    {
        var last = Interlocked.Read(ref _lastPurgeTicks);
        if (now.UtcTicks - last < PurgeEvery.Ticks || Interlocked.CompareExchange(ref _lastPurgeTicks, now.UtcTicks, last) != last) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await using var cmd = data.CreateCommand("DELETE FROM idempotency_record WHERE created_at < $1");
                cmd.Parameters.AddWithValue(now - Lifetime);
                await cmd.ExecuteNonQueryAsync();
            }
            catch (Exception e)
            {
                logs.CreateLogger(typeof(IdempotencyKeys)).LogWarning(e, "Expired idempotency records could not be deleted; trying again later");
            }
        });
    }
}

/// <summary>
/// Endpoint metadata: the answer shows a secret once (a new device token), so it is never kept for an
/// Idempotency-Key replay; a repeat runs again (and issues another token) rather than storing the secret.
/// </summary>
public sealed class SecretAnswer;
