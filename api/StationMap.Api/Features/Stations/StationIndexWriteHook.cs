using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// Read-your-writes for the nearest index: after EF commits station changes (the write endpoints'
/// explicit transaction, or SaveChanges' own), the written stations are re-read into
/// <see cref="StationIndex"/> before the request goes on. A failure here never fails the write that
/// already committed: the index is then brought up to date by NOTIFY or the next resync.
/// </summary>
public sealed class StationIndexWriteHook(StationIndex index, ILogger<StationIndexWriteHook> log) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    sealed class Pending { public List<Station> Saving = []; public HashSet<long> Committing = []; }
    readonly ConditionalWeakTable<DbContext, Pending> _pending = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (eventData.Context is { } db)
        {
            var stations = db.ChangeTracker.Entries<Station>()
                .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).Select(e => e.Entity).ToList();
            if (stations.Count > 0) _pending.GetOrCreateValue(db).Saving.AddRange(stations);
        }
        return ValueTask.FromResult(result);
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var p) && p.Saving.Count > 0)
        {
            foreach (var s in p.Saving) p.Committing.Add(s.Id);
            p.Saving.Clear();
            if (db.Database.CurrentTransaction is null) await FlushAsync(db, p, ct);
        }
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken ct = default)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var p)) p.Saving.Clear();
        return Task.CompletedTask;
    }

    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var p)) await FlushAsync(db, p, ct);
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var p)) p.Committing.Clear();
        return Task.CompletedTask;
    }

    async Task FlushAsync(DbContext db, Pending p, CancellationToken ct)
    {
        if (p.Committing.Count == 0) return;
        var ids = p.Committing.ToArray();
        p.Committing.Clear();
        try { await index.RefreshAsync(ids, CancellationToken.None); }
        // The write is committed: whatever goes wrong re-reading it must not turn its answer into a 500.
        catch (Exception e)
        {
            log.LogWarning(e, "Could not re-read {Count} written stations into the nearest index; NOTIFY or the next resync will", ids.Length);
        }
    }
}
