using System.Text.Json;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.OpeningHours;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Tests.Stations;

public sealed class StationServicesTests
{
    static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    static readonly EvaluationContext Hangzhou = new(Shanghai, 30.27, 120.16, HolidayCalendar.None);

    /// <summary>A local wall-clock time in Shanghai (UTC+8, no DST).</summary>
    static DateTimeOffset Cn(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    static ParsedService Clinic => StationServices.Parse("""[{"kind":"free_clinic","description":"义诊","hours":"Tu 14:00-16:00"}]""").Services.Single();

    [Fact]
    public void A_Tuesday_clinic_shows_its_next_occurrence_from_a_Wednesday_night()
    {
        // 2026-12-02 is a Wednesday; the next Tuesday is 2026-12-08.
        var view = ServiceView.Of(Clinic, Hangzhou, Cn(2026, 12, 2, 23));
        Assert.Equal("closed", view.OpenState.State);
        Assert.Equal(new OccurrenceView(Cn(2026, 12, 8, 14), Cn(2026, 12, 8, 16)), view.Next);
        Assert.Equal(TimeSpan.FromHours(8), view.Next!.From.Offset);
    }

    [Fact]
    public void A_clinic_under_way_shows_the_current_occurrence()
    {
        var view = ServiceView.Of(Clinic, Hangzhou, Cn(2026, 12, 1, 15, 30));
        Assert.Equal("open", view.OpenState.State);
        Assert.Equal(Cn(2026, 12, 1, 16), view.OpenState.NextChange);
        Assert.Equal(new OccurrenceView(Cn(2026, 12, 1, 14), Cn(2026, 12, 1, 16)), view.Next);
    }

    [Fact]
    public void An_occurrence_that_runs_past_midnight_starts_the_evening_before()
    {
        var service = StationServices.Parse("""[{"kind":"counselling","hours":"Fr 20:00-02:00"}]""").Services.Single();
        var view = ServiceView.Of(service, Hangzhou, Cn(2026, 12, 5, 1)); // Saturday 01:00
        Assert.Equal(new OccurrenceView(Cn(2026, 12, 4, 20), Cn(2026, 12, 5, 2)), view.Next);
    }

    [Fact]
    public void Next_occurrence_looks_as_far_ahead_as_the_rule_needs()
    {
        var at = Cn(2026, 12, 2, 23); // the first Wednesday of December, after the session
        var legal = StationServices.Parse("""[{"kind":"legal_advice","hours":"We[1] 09:00-11:30"}]""").Services.Single();
        Assert.Equal(new OccurrenceView(Cn(2027, 1, 6, 9), Cn(2027, 1, 6, 11, 30)), ServiceView.Of(legal, Hangzhou, at).Next);
        var drinks = StationServices.Parse("""[{"kind":"summer_drinks","hours":"Jun-Sep: Mo-Su 11:00-15:00"}]""").Services.Single();
        Assert.Equal(new OccurrenceView(Cn(2027, 6, 1, 11), Cn(2027, 6, 1, 15)), ServiceView.Of(drinks, Hangzhou, at).Next);
        var never = StationServices.Parse("""[{"kind":"classes","hours":"2020 Mo 10:00-11:00"}]""").Services.Single();
        Assert.Null(ServiceView.Of(never, Hangzhou, at).Next);
    }

    /// <summary>A calendar reloaded in place: the same instance, a new version.</summary>
    sealed class ReloadingCalendar : IHolidayCalendar
    {
        public long Version { get; set; } = 1;
        public HashSet<DateOnly> Holidays { get; } = [];
        public string? PublicHoliday(DateOnly date) => Holidays.Contains(date) ? "国庆节" : null;
        public string? SchoolHoliday(DateOnly date) => null;
        public bool IsMakeupWorkday(DateOnly date) => false;
    }

    [Fact]
    public void The_index_record_reevaluates_when_the_holiday_calendar_changes()
    {
        var record = StationIndexRecord.From(new Station
        {
            Name = "节假日测试驿站",
            Location = new NetTopologySuite.Geometries.Point(120.16, 30.27) { SRID = 4326 },
            OpeningHours = "Mo-Su 08:00-20:00; PH off",
        }, 1);
        var calendar = new ReloadingCalendar();
        var at = Cn(2026, 10, 1, 10);
        Assert.Equal("open", record.OpenStateAt(new OpenAt(at, calendar)).State);
        calendar.Holidays.Add(new DateOnly(2026, 10, 1));
        calendar.Version = 2;
        Assert.Equal("closed", record.OpenStateAt(new OpenAt(at, calendar)).State);
        Assert.Equal("open", record.OpenStateAt(new OpenAt(at, HolidayCalendar.None)).State); // another calendar instance
    }

    [Fact]
    public void Today_and_now_follow_the_station_local_day()
    {
        var services = StationServices.Parse("""[{"kind":"free_clinic","hours":"Tu 14:00-16:00"},{"kind":"haircut","hours":"Sa 09:00-12:00"}]""").Services;
        var clinic = StationServices.KindMask(["free_clinic"]);
        Assert.True(StationServices.Matches(services, clinic, ServiceWhen.Today, Cn(2026, 12, 1, 8), Hangzhou));   // Tuesday morning
        Assert.False(StationServices.Matches(services, clinic, ServiceWhen.Now, Cn(2026, 12, 1, 8), Hangzhou));
        Assert.True(StationServices.Matches(services, clinic, ServiceWhen.Now, Cn(2026, 12, 1, 14), Hangzhou));
        Assert.False(StationServices.Matches(services, clinic, ServiceWhen.Today, Cn(2026, 12, 2, 8), Hangzhou));  // Wednesday
        Assert.True(StationServices.Matches(services, clinic, ServiceWhen.Any, Cn(2026, 12, 2, 8), Hangzhou));
        // Tuesday 23:00 in Shanghai is still Tuesday there, though UTC has it at 15:00 the same day, and Wednesday 07:00 UTC is Wednesday 15:00.
        Assert.True(StationServices.Matches(services, clinic, ServiceWhen.Today, new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero), Hangzhou));
        Assert.False(StationServices.Matches(services, clinic, ServiceWhen.Today, new DateTimeOffset(2026, 12, 1, 16, 30, 0, TimeSpan.Zero), Hangzhou));
        // Any kind (mask 0): the haircut on Saturday.
        Assert.True(StationServices.Matches(services, 0, ServiceWhen.Today, Cn(2026, 12, 5, 18), Hangzhou));
    }

    [Fact]
    public void Invalid_services_are_reported_by_index_and_field_with_the_position()
    {
        var v = new Validation();
        StationServices.Validate([
            new ServiceInput { Kind = "free_clinic", Hours = "Tu 14:00-16:00" },
            new ServiceInput { Kind = "massage", Hours = "Tu 14:00-16:00" },
            new ServiceInput { Kind = "haircut", Hours = "Sa 09:00-25:99" },
            new ServiceInput { Kind = "haircut" },
            null,
        ], v);
        var errors = v.Errors;
        Assert.DoesNotContain("services[0].kind", errors.Keys);
        Assert.Contains("services[1].kind", errors.Keys);
        Assert.Contains("position", errors["services[2].hours"].Single());
        Assert.Contains("services[3].hours", errors.Keys);
        Assert.Contains("services[4]", errors.Keys);
    }

    [Fact]
    public void Stored_services_read_back_as_written()
    {
        var json = StationServices.ToJson([new ServiceInput { Kind = "legal_advice", Description = " 律师值班 ", Hours = " We 09:00-11:30 " }]);
        Assert.Equal("""[{"kind":"legal_advice","description":"律师值班","hours":"We 09:00-11:30"}]""", json);
        var input = StationServices.Inputs(json).Single();
        Assert.Equal(("legal_advice", "律师值班", "We 09:00-11:30"), (input.Kind, input.Description, input.Hours));
        Assert.Equal(StationServices.KindMask(["legal_advice"]), StationServices.Parse(json).Mask);
    }

    [Fact]
    public void Demo_stations_host_valid_services_deterministically()
    {
        var now = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
        var stations = DemoStations.Generate(300, 20261122, now).ToList();
        Assert.Equal(stations.Select(s => s.Services), DemoStations.Generate(300, 20261122, now).Select(s => s.Services));
        var withServices = stations.Where(s => s.Services != "[]").ToList();
        Assert.InRange(withServices.Count, 45, 150);
        foreach (var s in withServices)
        {
            var inputs = JsonSerializer.Deserialize<List<ServiceInput?>>(s.Services, ApiJson.Options)!;
            var v = new Validation();
            StationServices.Validate(inputs, v);
            Assert.True(v.IsValid, s.Services);
        }
        foreach (var kind in StationVocabulary.ServiceKinds)
            Assert.Contains(stations, s => (StationServices.Parse(s.Services).Mask & StationServices.KindMask([kind])) != 0);
        Assert.Contains(stations, s => s.Services.Contains("\"Tu 14:00-16:00\""));
    }

    [Theory]
    [InlineData("2026-12-02T23:00:00+08:00", "2026-12-02T15:00:00+00:00")]
    [InlineData("2026-12-02T15:00:00Z", "2026-12-02T15:00:00+00:00")]
    [InlineData("2026-12-02T23:00+0800", "2026-12-02T15:00:00+00:00")]
    [InlineData("2026-12-02T23:00:00 08:00", "2026-12-02T15:00:00+00:00")] // an unencoded + in a query string
    public void At_reads_instants_with_an_offset(string text, string utc)
    {
        InstantParameter.TryParse(text, null, out var at);
        Assert.Null(at.Error);
        Assert.Equal(DateTimeOffset.Parse(utc), at.Value);
    }

    [Theory]
    [InlineData("2026-12-02T23:00:00")]
    [InlineData("2026-12-02")]
    [InlineData("tonight")]
    [InlineData("2026-13-02T23:00:00+08:00")]
    [InlineData("")]
    public void At_refuses_local_times_and_nonsense(string text)
    {
        InstantParameter.TryParse(text, null, out var at);
        Assert.NotNull(at.Error);
    }
}
