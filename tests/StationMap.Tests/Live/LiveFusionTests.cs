using StationMap.Api.Features.Live;
using StationMap.Api.Features.Stations;

namespace StationMap.Tests.Live;

/// <summary>The fusion is a pure function of the signals and the instant: decay and correction under a fake clock.</summary>
public sealed class LiveFusionTests
{
    static readonly DateTimeOffset T0 = new(2026, 12, 1, 4, 0, 0, TimeSpan.Zero);
    static readonly LiveOptions Options = new();
    static long _id;

    static LiveSignal Signal(string source, DateTimeOffset at, LiveFields fields, double trust = 0.8, long? device = null, string kind = "checkin") =>
        new(Interlocked.Increment(ref _id), 1, kind, source, source == LiveSources.Crowd ? device ?? 7 : null, source == LiveSources.Crowd ? null : 3,
            source == LiveSources.Crowd ? trust : 1, at, at, fields, null, null, null);

    [Fact]
    public void A_crowd_value_halves_with_each_half_life_and_is_dropped_below_the_floor()
    {
        var s = Signal(LiveSources.Crowd, T0, new LiveFields(Crowding: "full"));
        var fresh = LiveFusion.Fuse([s], [], Options, T0);
        Assert.Equal(0.56, fresh.Crowding!.Confidence, 3);
        Assert.Equal("crowd", fresh.Crowding.Source);
        Assert.Equal(T0, fresh.Crowding.AsOf);
        Assert.Equal(0.28, LiveFusion.Fuse([s], [], Options, T0.AddMinutes(20)).Crowding!.Confidence, 3);
        Assert.Equal(0.14, LiveFusion.Fuse([s], [], Options, T0.AddMinutes(40)).Crowding!.Confidence, 3);
        Assert.Null(LiveFusion.Fuse([s], [], Options, T0.AddMinutes(60)).Crowding);   // 0.07 < 0.1
        Assert.True(fresh.IsFull(0.5));
        Assert.False(LiveFusion.Fuse([s], [], Options, T0.AddMinutes(20)).IsFull(0.5));
    }

    [Fact]
    public void Each_source_and_field_has_its_own_half_life()
    {
        var sensor = Signal(LiveSources.Sensor, T0, new LiveFields(SeatsFree: 3));
        Assert.Equal(0.95 / 2, LiveFusion.Fuse([sensor], [], Options, T0.AddMinutes(5)).SeatsFree!.Confidence, 3);
        var staff = Signal(LiveSources.Staff, T0, new LiveFields(Amenities: new Dictionary<string, string> { ["microwave"] = "working" }));
        Assert.Equal(0.9 / 2, LiveFusion.Fuse([staff], [], Options, T0.AddDays(2)).Amenities["microwave"].Confidence, 3);
    }

    [Fact]
    public void Agreeing_devices_add_up_and_disagreement_lowers_confidence()
    {
        var a = Signal(LiveSources.Crowd, T0, new LiveFields(Crowding: "full"), device: 1);
        var b = Signal(LiveSources.Crowd, T0, new LiveFields(Crowding: "full"), device: 2);
        Assert.Equal(1 - 0.44 * 0.44, LiveFusion.Fuse([a, b], [], Options, T0).Crowding!.Confidence, 3);
        var c = Signal(LiveSources.Crowd, T0, new LiveFields(Crowding: "empty"), device: 3);
        var mixed = LiveFusion.Fuse([a, b, c], [], Options, T0).Crowding!;
        Assert.Equal("full", mixed.Value);
        Assert.Equal((1 - 0.44 * 0.44) * (1 - 0.56), mixed.Confidence, 3);
    }

    [Fact]
    public void A_later_staff_value_corrects_the_crowd_and_later_couriers_count_again()
    {
        var crowd = Signal(LiveSources.Crowd, T0, new LiveFields(Crowding: "full"));
        var staff = Signal(LiveSources.Staff, T0.AddMinutes(1), new LiveFields(Crowding: "some_seats"));
        var corrected = LiveFusion.Fuse([crowd, staff], [], Options, T0.AddMinutes(1));
        Assert.Equal("some_seats", corrected.Crowding!.Value);
        Assert.Equal("staff", corrected.Crowding.Source);
        Assert.True(corrected.Crowding.Confidence > 0.8);
        // Ten minutes on, staff still counts 0.9 × ½^(9/30) = 0.73: one courier's fresh full (0.56) does not overturn it, two (0.81) do.
        var laterCourier = Signal(LiveSources.Crowd, T0.AddMinutes(10), new LiveFields(Crowding: "full"), device: 9);
        var after = LiveFusion.Fuse([crowd, staff, laterCourier], [], Options, T0.AddMinutes(10));
        Assert.Equal("some_seats", after.Crowding!.Value);
        var twoLater = Signal(LiveSources.Crowd, T0.AddMinutes(10), new LiveFields(Crowding: "full"), device: 10);
        Assert.Equal("full", LiveFusion.Fuse([crowd, staff, laterCourier, twoLater], [], Options, T0.AddMinutes(10)).Crowding!.Value);
    }

    [Fact]
    public void Trust_weighs_a_device_and_zero_seats_from_a_sensor_means_full()
    {
        var lowTrust = Signal(LiveSources.Crowd, T0, new LiveFields(Crowding: "full"), trust: 0.2);
        Assert.Equal(0.14, LiveFusion.Fuse([lowTrust], [], Options, T0).Crowding!.Confidence, 3);
        var sensor = Signal(LiveSources.Sensor, T0, new LiveFields(SeatsFree: 0));
        var live = LiveFusion.Fuse([sensor], [], Options, T0, capacity: 10);
        Assert.Equal("full", live.Crowding!.Value);
        Assert.Equal("sensor", live.Crowding.Source);
        Assert.Equal("empty", LiveFusion.ImpliedCrowding(new LiveFields(SeatsFree: 10), 10));
        Assert.Equal("some_seats", LiveFusion.ImpliedCrowding(new LiveFields(Occupancy: 4), 10));
        Assert.Null(LiveFusion.ImpliedCrowding(new LiveFields(Occupancy: 4), null));
    }

    [Fact]
    public void A_couriers_fault_shows_only_once_its_ticket_is_public_and_a_fix_shows_working()
    {
        var broken = new LiveFields(Amenities: new Dictionary<string, string> { ["microwave"] = "broken" });
        var report = Signal(LiveSources.Crowd, T0, broken, kind: "report");
        Assert.False(LiveFusion.Fuse([report], [], Options, T0).Amenities.ContainsKey("microwave"));
        var reported = new TicketRow(5, 1, "microwave", "broken", "reported", T0, null, null, null);
        Assert.False(LiveFusion.Fuse([report], [reported], Options, T0).Amenities.ContainsKey("microwave"));
        var confirmed = reported with { State = "confirmed", ConfirmedAt = T0 };
        var shown = LiveFusion.Fuse([report], [confirmed], Options, T0);
        Assert.Equal("broken", shown.Amenities["microwave"].Value);
        Assert.Equal(5, shown.Amenities["microwave"].TicketId);
        Assert.Equal("confirmed", shown.Amenities["microwave"].TicketState);
        Assert.Single(shown.Faults);
        var fixedTicket = confirmed with { State = "fixed", FixedAt = T0.AddHours(1) };
        var fixedNow = LiveFusion.Fuse([report], [fixedTicket], Options, T0.AddHours(1));
        Assert.Equal("working", fixedNow.Amenities["microwave"].Value);
        Assert.Equal("fixed", fixedNow.Faults.Single().State);
        // Staff saying broken needs no ticket.
        var staff = Signal(LiveSources.Staff, T0, broken);
        Assert.Equal("broken", LiveFusion.Fuse([staff], [], Options, T0).Amenities["microwave"].Value);
    }

    [Fact]
    public void A_blocked_device_and_signals_past_the_horizon_do_not_count()
    {
        var s = Signal(LiveSources.Crowd, T0, new LiveFields(Crowding: "full"), device: 42);
        Assert.Null(LiveFusion.Fuse([s], [], Options, T0, blocked: d => d == 42).Crowding);
        var staff = Signal(LiveSources.Staff, T0, new LiveFields(Amenities: new Dictionary<string, string> { ["toilet"] = "working" }));
        Assert.Empty(LiveFusion.Fuse([staff], [], Options, T0.AddHours(73)).Amenities);
    }

    [Fact]
    public void The_typical_profile_is_the_mean_score_of_the_local_hour_from_enough_check_ins()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var p = new TypicalProfile();
        var wednesdayNoon = new DateTimeOffset(2026, 11, 18, 4, 10, 0, TimeSpan.Zero);   // 12:10 in Shanghai
        p.Add(wednesdayNoon, zone, "full");
        p.Add(wednesdayNoon.AddDays(-7), zone, "full");
        Assert.Null(p.At(wednesdayNoon, zone, 3));
        p.Add(wednesdayNoon.AddDays(-14), zone, "some_seats");
        var typical = p.At(wednesdayNoon.AddDays(7).AddMinutes(30), zone, 3)!;
        Assert.Equal("full", typical.Crowding);     // (2 + 2 + 1) / 3 = 1.67
        Assert.Equal(1.67, typical.Score);
        Assert.Equal(3, typical.Samples);
        Assert.Equal(("We", 12), (typical.Weekday, typical.Hour));
        Assert.Null(p.At(wednesdayNoon.AddHours(1), zone, 3));
        var view = p.View(56, 3);
        Assert.Equal(1.67, view.Scores[2][12]);
        Assert.Equal(3, view.Samples[2][12]);
        Assert.Null(view.Scores[2][13]);
        Assert.Equal(0, TypicalProfile.Cell(new DateTime(2026, 11, 16, 0, 30, 0)));     // a Monday
        Assert.Equal(167, TypicalProfile.Cell(new DateTime(2026, 11, 22, 23, 59, 0)));  // a Sunday
    }
}
