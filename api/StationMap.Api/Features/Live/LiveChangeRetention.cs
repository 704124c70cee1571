using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Infrastructure.Instances;

namespace StationMap.Api.Features.Live;

/// <summary>
/// Deletes live_change rows older than <see cref="LiveOptions.ChangeRetentionHours"/>, once an hour
/// (first a minute after start). The rows only serve streams resuming with Last-Event-ID; an older id
/// gets <c>event: reset</c>. With several instances only the leader of <see cref="LeaderJobs.LiveRetention"/>
/// runs the rounds, and the transaction-scoped advisory lock still keeps two rounds apart while a
/// leadership changes hands (live_change_changed_at_idx finds the rows).
/// </summary>
internal sealed class LiveChangeRetention(NpgsqlDataSource data, IOptions<LiveOptions> options, TimeProvider clock, Leadership leadership,
    ILogger<LiveChangeRetention> log) : BackgroundService
{
    static readonly TimeSpan Every = TimeSpan.FromHours(1);
    static readonly TimeSpan First = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(First, stop);
            while (!stop.IsCancellationRequested)
            {
                await leadership.WaitToLeadAsync(LeaderJobs.LiveRetention, stop);
                try
                {
                    var deleted = await PruneAsync(stop);
                    if (deleted > 0) log.LogInformation("Deleted {Count} live changes older than {Hours} h", deleted, options.Value.ChangeRetentionHours);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Pruning live_change failed; trying again in an hour");
                }
                await Task.Delay(Every, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    /// <summary>One round: the rows older than the retention, deleted unless another instance is doing it now.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtext('stationmap live_change retention'))", conn, tx))
            if (await lockCmd.ExecuteScalarAsync(ct) is not true) return 0;
        // changed_at is written with the API's clock (LiveWriter), so the cut-off is taken from it too.
        await using var cmd = new NpgsqlCommand("DELETE FROM live_change WHERE changed_at < $1", conn, tx);
        cmd.Parameters.AddWithValue(clock.GetUtcNow() - TimeSpan.FromHours(options.Value.ChangeRetentionHours));
        var n = await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return n;
    }
}
