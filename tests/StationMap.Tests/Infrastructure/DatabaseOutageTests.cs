using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using StationMap.Api.Infrastructure;

namespace StationMap.Tests.Infrastructure;

public class DatabaseOutageTests
{
    static PostgresException Pg(string sqlState) => new("message", "FATAL", "FATAL", sqlState);

    static NpgsqlException Refused() => new("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

    public static TheoryData<string, Exception> Outages() => new()
    {
        { "connection refused", Refused() },
        { "broken mid-query", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()) },
        { "pool exhausted", new NpgsqlException("The connection pool has been exhausted", new TimeoutException()) },
        { "57P01 admin shutdown", Pg("57P01") },
        { "57P02 crash shutdown", Pg("57P02") },
        { "57P03 starting up", Pg("57P03") },
        { "08006 connection failure", Pg("08006") },
        { "53300 too many connections", Pg("53300") },
        { "57014 statement timeout", Pg("57014") },
        { "EF save", new DbUpdateException("An error occurred while saving the entity changes.", Refused()) },
        { "EF transient wrapper", new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", Pg("57P01")) },
        { "EF retry limit", new RetryLimitExceededException("Maximum number of retries exceeded", Refused()) },
        { "aggregate", new AggregateException(new ArgumentException("x"), Refused()) },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void Outages_are_recognised_in_every_wrapping(string what, Exception e) => Assert.True(DatabaseOutage.IsOutage(e), what);

    public static TheoryData<string, Exception> NotOutages() => new()
    {
        { "unique violation", Pg("23505") },
        { "undefined table", Pg("42P01") },
        { "EF save of a bad row", new DbUpdateException("saving", Pg("23503")) },
        { "a bug", new InvalidOperationException("Sequence contains no elements") },
        { "a client hanging up", new IOException("The client reset the request stream.") },
    };

    [Theory]
    [MemberData(nameof(NotOutages))]
    public void Errors_the_server_answered_are_not_outages(string what, Exception e) => Assert.False(DatabaseOutage.IsOutage(e), what);

    [Fact]
    public void Only_lost_connections_clear_the_pool()
    {
        Assert.True(DatabaseOutage.ConnectionsLost(Refused()));
        Assert.True(DatabaseOutage.ConnectionsLost(Pg("57P01")));
        Assert.False(DatabaseOutage.ConnectionsLost(Pg("53300")));
        Assert.False(DatabaseOutage.ConnectionsLost(Pg("57014")));
        Assert.False(DatabaseOutage.ConnectionsLost(new NpgsqlException("pool exhausted", new TimeoutException())));
    }
}
