using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StationMap.Api.Features.Live;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>The writer's group commit of quiet signals, on the real database.</summary>
public sealed class LiveWriterTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    readonly TicketWorld world = new(api);

    [Fact]
    public async Task Quiet_signals_written_together_are_each_stored_once_and_a_bad_one_fails_alone()
    {
        var station = await world.StationAsync("成组提交驿站", "顺丰速运", 120.2201, 30.2201);
        var devices = new List<long>();
        for (var i = 0; i < 40; i++) devices.Add(await world.DeviceAsync());
        var writer = api.Services.GetRequiredService<LiveWriter>();
        SignalDraft Draft(long device) => new(station, "checkin", LiveSources.Crowd, device, null, 0.8, api.Clock.Now, 10, new LiveFields(Crowding: "some_seats"));

        // 40 check-ins at once, and one from a device that does not exist (its foreign key fails in the database).
        var good = devices.Select(d => writer.WriteAsync([Draft(d)], CancellationToken.None)).ToList();
        var bad = writer.WriteAsync([Draft(long.MaxValue)], CancellationToken.None);
        var written = await Task.WhenAll(good);
        var error = await Assert.ThrowsAsync<PostgresException>(() => bad);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);

        // Every good one answered with its own stored signal and its own change.
        Assert.Equal(40, written.Select(w => w.Signals[0].Id).Distinct().Count());
        Assert.Equal(40, written.Select(w => w.Change.Seq).Distinct().Count());
        Assert.Equal(devices.Order(), written.Select(w => w.Signals[0].DeviceId!.Value).Order());
        Assert.Equal(40L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE station_id = $1", station));
        Assert.Equal(40L, await api.ScalarAsync<long>(
            "SELECT count(*) FROM live_change c JOIN live_signal s ON s.id = c.ref_id WHERE c.station_id = $1 AND c.cause = 'signal'", station));
        foreach (var w in written)
            Assert.Equal(w.Signals[0].Id, await api.ScalarAsync<long>("SELECT ref_id FROM live_change WHERE seq = $1", w.Change.Seq));
        // And the in-memory state has them all.
        var state = api.Services.GetRequiredService<LiveState>();
        Assert.Equal(40, state.Signals(station).Count);
    }
}
