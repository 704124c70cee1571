using System.Collections.Concurrent;
using System.Collections.Frozen;
using Npgsql;
using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Features.Holidays;

/// <summary>
/// The holiday calendars of every region, from <c>public_holiday</c>, in memory: an evaluation asks
/// <see cref="For"/> per station per request, which reads one volatile reference and never locks.
/// Loaded at start, again on every NOTIFY <see cref="HolidayStore.Channel"/> (migration 0011: any
/// committed change from any process), after every reconnect of the instance's shared listener
/// (<see cref="Infrastructure.Instances.PgNotifications"/>), and by
/// <see cref="ReloadAsync"/> (this instance's own writes, before the request answers). Every load
/// publishes a new set of calendars with a higher <see cref="IHolidayCalendar.Version"/>, so caches
/// keyed on it see the change. While the database is unreachable at start, every region has no
/// holidays (version 0) and the listener retries in the background; later outages keep the last
/// calendars.
/// A subdivision (CN-ZJ) that has its own days gets them on top of its country's (CN); one that has
/// none gets the country's calendar.
/// </summary>
public sealed class StoredHolidayCalendars(NpgsqlDataSource data, Infrastructure.Instances.PgNotifications notifications,
    ILogger<StoredHolidayCalendars> log) : BackgroundService, IHolidayCalendars
{
    sealed record Snapshot(long Version, FrozenDictionary<string, HolidayCalendar> Regions, HolidayCalendar Empty);

    const string Channel = HolidayStore.Channel;
    readonly SemaphoreSlim _load = new(1, 1);
    volatile Snapshot _snapshot = new(0, FrozenDictionary<string, HolidayCalendar>.Empty, HolidayCalendar.None);
    long _version;

    /// <summary>The version of the calendars now in use: 0 until the first load, then one more per load.</summary>
    public long Version => _snapshot.Version;

    public IHolidayCalendar For(string region)
    {
        var s = _snapshot;
        if (s.Regions.TryGetValue(region, out var calendar)) return calendar;
        var dash = region.IndexOf('-');
        if (dash > 0 && s.Regions.TryGetValue(region[..dash], out var country)) return country;
        return s.Empty;
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var wake = System.Threading.Channels.Channel.CreateBounded<bool>(
            new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        long wanted = 0, done = 0;
        // The instance's shared listener: every change, and every (re)connection (LISTEN is then in
        // force, so a change committed after the load is announced to us), asks for a reload.
        using var subscription = notifications.Subscribe(Channel,
            _ => { Interlocked.Increment(ref wanted); wake.Writer.TryWrite(true); },
            () => { Interlocked.Increment(ref wanted); wake.Writer.TryWrite(true); });
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var want = Interlocked.Read(ref wanted);
                if (want != done)
                {
                    await ReloadAsync(stop);
                    done = want;
                    failures = 0;
                    continue;
                }
                await wake.Reader.ReadAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            // Any failure, not only the database's: an exception escaping a hosted service stops the host.
            catch (Exception e)
            {
                failures++;
                if (failures == 1) log.LogWarning(e, "Holiday calendars could not be loaded; retrying in the background (version {Version} stays in use)", Version);
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 2 * failures)), stop); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Reads every region's days and publishes them as a new version.</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await _load.WaitAsync(ct);
        try
        {
            IReadOnlyList<RegionHolidayDay> days;
            await using (var conn = await data.OpenConnectionAsync(ct)) days = await HolidayStore.AllDaysAsync(conn, ct);
            var version = Interlocked.Increment(ref _version);
            _snapshot = Build(days, version);
            log.LogInformation("Holiday calendars version {Version}: {Days} days in {Regions} regions", version, days.Count, _snapshot.Regions.Count);
        }
        finally { _load.Release(); }
    }

    static Snapshot Build(IReadOnlyList<RegionHolidayDay> days, long version)
    {
        var byRegion = days.GroupBy(d => d.Region).ToDictionary(g => g.Key, g => g.ToList());
        var calendars = new Dictionary<string, HolidayCalendar>();
        foreach (var region in byRegion.Keys)
        {
            var dash = region.IndexOf('-');
            // The country's days first, the subdivision's own after them, so the subdivision wins on a date both name.
            var all = dash > 0 && byRegion.TryGetValue(region[..dash], out var country) ? country.Concat(byRegion[region]) : byRegion[region];
            calendars[region] = Calendar(all, version);
        }
        return new Snapshot(version, calendars.ToFrozenDictionary(StringComparer.Ordinal), Calendar([], version));
    }

    static HolidayCalendar Calendar(IEnumerable<RegionHolidayDay> days, long version)
    {
        var holidays = new Dictionary<DateOnly, string>();
        var school = new Dictionary<DateOnly, string>();
        var makeup = new HashSet<DateOnly>();
        foreach (var d in days)
        {
            switch (d.Kind)
            {
                case HolidayKinds.Holiday: holidays[d.Date] = d.Name; makeup.Remove(d.Date); break;
                case HolidayKinds.MakeupWorkday: makeup.Add(d.Date); holidays.Remove(d.Date); break;
                case HolidayKinds.SchoolHoliday: school[d.Date] = d.Name; break;
            }
        }
        return new HolidayCalendar(holidays.ToFrozenDictionary(), school.ToFrozenDictionary(), makeup.ToFrozenSet(), version);
    }
}
