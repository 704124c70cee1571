using Npgsql;

namespace StationMap.Api.Infrastructure.Instances;

/// <summary>
/// Connections for the instance's long-lived sessions (the leadership connection holding the job locks,
/// the shared LISTEN connection): the primary's connection string without pooling, so closing one ends its
/// server session, and with it every advisory lock and LISTEN it held. A pooled connection would go back to
/// the pool with its session alive after a failure the release could not clean up: its locks held by nobody
/// who knows, or an unread LISTEN holding back the server's notification queue.
/// </summary>
public sealed class SessionConnections(NpgsqlDataSource data)
{
    public NpgsqlDataSource Data { get; } = data;
}
