using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// Recognises "the database is not there" in whatever wrapping it arrives (EF Core's
/// DbUpdateException, its "likely due to a transient failure" InvalidOperationException,
/// RetryLimitExceededException, Npgsql's own exceptions around a SocketException or IOException,
/// PostgreSQL's shutdown and connection SQLSTATEs), so a request answers 503 with Retry-After
/// instead of 500, and background services wait instead of dying.
/// </summary>
public static class DatabaseOutage
{
    public const string ProblemType = "/problems/database-unavailable";

    /// <summary>True when <paramref name="e"/> or anything it wraps says the database cannot be reached or cannot answer now.</summary>
    public static bool IsOutage(Exception? e) => Find(e) is not null;

    /// <summary>True when the failure means pooled connections are probably dead (a restart or a crash), not just a busy server.</summary>
    public static bool ConnectionsLost(Exception? e) => Find(e) is { } cause && cause switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException { InnerException: TimeoutException } => false,   // pool exhausted or a slow answer: the connections are fine
        _ => true,
    };

    static Exception? Find(Exception? e)
    {
        for (var depth = 0; e is not null && depth < 16; depth++)
        {
            switch (e)
            {
                case PostgresException pg when Unavailable(pg.SqlState):
                    return pg;
                case PostgresException:
                    return null;   // the server answered: a real error in the statement, not an outage
                case NpgsqlException { IsTransient: true } n:
                    return n;
                // Npgsql multi-host (a replicated cluster): no host is the primary right now, as between a
                // primary's death and its replica's promotion. Npgsql says so only in the message.
                case NpgsqlException { InnerException: null } n when n is not PostgresException
                                                                     && n.Message.StartsWith("No suitable host", StringComparison.Ordinal):
                    return n;
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException } n:
                    return n;
                case SocketException or IOException when e.Source?.StartsWith("Npgsql", StringComparison.Ordinal) == true:
                    return e;
                case TimeoutException:
                    return e;
                case AggregateException agg:
                    return agg.InnerExceptions.Select(Find).FirstOrDefault(x => x is not null);
            }
            e = e.InnerException;
        }
        return null;
    }

    /// <summary>
    /// 08xxx connection exceptions; 57P01/57P02/57P03 shutting down, crash, starting up; 53xxx
    /// insufficient resources (53300 too many connections); 57014 statement timeout (the server
    /// did not answer within StatementTimeoutSeconds); 58xxx system/IO error on the server;
    /// 40001/40P01 serialization failure and deadlock (the same request succeeds when retried);
    /// 25006 a write reached a read-only server (a primary demoted to replica under a pooled connection).
    /// </summary>
    static bool Unavailable(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal) ||
        state.StartsWith("58", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" or "57014" or "40001" or "40P01" or "25006";

    /// <summary>The 503 problem for a request that needed the database.</summary>
    public static ProblemDetails Problem() => new()
    {
        Type = ProblemType,
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "The database is unavailable.",
        Detail = "The station database cannot be reached or did not answer in time. Try again after the Retry-After interval.",
    };
}

/// <summary>
/// What an outage does to the process: the first failure of a burst drops the pool's idle
/// connections (after a crash or restart every one of them is dead, and each would otherwise fail
/// one more request after the database is back) and logs one warning; later failures of the same
/// burst are counted, not logged.
/// </summary>
public sealed class DatabaseOutageMonitor(NpgsqlDataSource data, IOptions<StationMapOptions> options, TimeProvider clock,
    ILogger<DatabaseOutageMonitor> log, ReadRouting? reads = null)
{
    static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);
    static readonly TimeSpan ClearAtMostEvery = TimeSpan.FromSeconds(1);
    readonly Lock _gate = new();
    DateTimeOffset _lastLogged = DateTimeOffset.MinValue, _lastCleared = DateTimeOffset.MinValue;
    long _suppressed;

    public int RetryAfterSeconds => Math.Max(1, options.Value.DatabaseRetryAfterSeconds);

    /// <summary>Records a failed request or job step that <see cref="DatabaseOutage.IsOutage"/> recognised.</summary>
    public void Failed(Exception e, string where)
    {
        var now = clock.GetUtcNow();
        bool clear, logIt;
        long suppressed;
        lock (_gate)
        {
            clear = DatabaseOutage.ConnectionsLost(e) && now - _lastCleared >= ClearAtMostEvery;
            if (clear) _lastCleared = now;
            logIt = now - _lastLogged >= Quiet;
            if (logIt) { _lastLogged = now; suppressed = _suppressed; _suppressed = 0; }
            else { _suppressed++; suppressed = 0; }
        }
        if (clear)
        {
            data.Clear();
            reads?.ClearReplica();   // a replica restarted too leaves dead idle connections in its own pool
        }
        if (logIt)
            log.LogWarning("Database unavailable ({Where}): {Error}{More}", where, Innermost(e).Message,
                suppressed > 0 ? $" ({suppressed} more failures since the last warning)" : "");
    }

    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null && e is not PostgresException) e = e.InnerException;
        return e;
    }
}

/// <summary>
/// "Log it once" for a background loop: the first failure of an outage is a warning, repeats are
/// debug lines, and the first success afterwards says how long the database was gone.
/// </summary>
public sealed class OutageLog(ILogger log, string what)
{
    DateTimeOffset? _since;
    int _failures;

    public void Failed(Exception e)
    {
        _failures++;
        if (_since is null)
        {
            _since = DateTimeOffset.UtcNow;
            log.LogWarning("{What}: database unavailable ({Error}); retrying until it is back", what, e.GetBaseException().Message);
        }
        else log.LogDebug("{What}: database still unavailable ({Error})", what, e.GetBaseException().Message);
    }

    public void Succeeded()
    {
        if (_since is null) return;
        log.LogInformation("{What}: database reachable again after {Seconds:F0} s ({Failures} failed attempts)",
            what, (DateTimeOffset.UtcNow - _since.Value).TotalSeconds, _failures);
        _since = null;
        _failures = 0;
    }
}
