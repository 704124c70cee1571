using Npgsql;

namespace StationMap.Api.Infrastructure;

/// <summary>An API key as stored: never the key itself, only its SHA-256 and its first characters.</summary>
public sealed record ApiKeyRecord(long Id, string Name, string Role, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>The operator an <c>operator</c> key speaks for (station.operator must equal it); null for other roles.</summary>
    public string? Operator { get; init; }
}

/// <summary>
/// The one reader and writer of the <c>api_key</c> table, used by the authentication handler and the
/// <c>apikey</c> command-line verb. Plain Npgsql on the data source, so the kernel needs no feature's EF context.
/// "Active" means not revoked: the rule is written here once.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource data)
{
    /// <summary>The active key with this SHA-256, or null (unknown or revoked). Relies on the unique index on key_hash.</summary>
    public async Task<ApiKeyRecord?> FindActiveAsync(byte[] hash, CancellationToken ct = default)
    {
        await using var cmd = data.CreateCommand(
            "SELECT id, name, role, key_prefix, created_at, revoked_at, operator FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL");
        cmd.Parameters.AddWithValue(hash);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>Stores a new key by its hash and prefix; returns its id. An operator key names its operator (and only an operator key does).</summary>
    public async Task<long> CreateAsync(string name, string role, byte[] hash, string prefix, CancellationToken ct = default, string? @operator = null)
    {
        await using var cmd = data.CreateCommand(
            "INSERT INTO api_key (name, role, key_hash, key_prefix, created_at, operator) VALUES ($1, $2, $3, $4, now(), $5) RETURNING id");
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(prefix);
        cmd.Parameters.AddWithValue((object?)@operator ?? DBNull.Value);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every key, revoked ones included, by id.</summary>
    public async Task<List<ApiKeyRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = data.CreateCommand("SELECT id, name, role, key_prefix, created_at, revoked_at, operator FROM api_key ORDER BY id");
        var keys = new List<ApiKeyRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) keys.Add(Read(r));
        return keys;
    }

    /// <summary>Revokes an active key; false when there is no active key with this id.</summary>
    public async Task<bool> RevokeAsync(long id, CancellationToken ct = default)
    {
        await using var cmd = data.CreateCommand("UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL");
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    static ApiKeyRecord Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5))
    { Operator = r.IsDBNull(6) ? null : r.GetString(6) };
}
