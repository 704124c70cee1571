using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Tests.OpeningHours;

public sealed class OpeningHoursTests
{
    static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    static readonly EvaluationContext CnContext = EvaluationContext.Default(Shanghai);
    static readonly EvaluationContext BerlinContext = new(Berlin, 52.52, 13.405, HolidayCalendar.None);

    static OpeningHoursSchedule Parse(string text)
    {
        Assert.True(OpeningHoursSchedule.TryParse(text, out var s, out var error), error);
        return s!;
    }

    /// <summary>A local wall-clock time in Shanghai (UTC+8, no DST).</summary>
    static DateTimeOffset Cn(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData("24/7")]
    [InlineData("Mo-Fr 08:00-18:00")]
    [InlineData("Mo-Fr 08:00-12:00,13:00-18:00; Sa 09:00-12:00")]
    [InlineData("Mo-Su 07:00-21:00")]
    [InlineData("08:00-20:00")]
    [InlineData("Mo,We,Fr 09:00-17:00")]
    [InlineData("Fr-Mo 10:00-22:00")]
    [InlineData("Mo-Sa 07:00-19:00; Su off")]
    [InlineData("Mo-Fr 22:00-06:00")]
    [InlineData("Mo-Fr 08:00-24:00")]
    [InlineData("Mo-Fr 18:00+")]
    [InlineData("Mo-Fr 08:00-18:00; PH off")]
    [InlineData("Mo-Fr 08:00-18:00, We 12:00-13:00 off")]
    [InlineData("Mo-Fr 08:00-18:00 \"appointments by phone\"")]
    [InlineData("Jan-Mar Mo-Fr 09:00-16:00; Apr-Dec Mo-Fr 08:00-18:00")]
    [InlineData("Dec 24-26 off")]
    [InlineData("Mo-Fr 08:00-18:00 || \"call ahead\"")]
    [InlineData("unknown \"reopening soon\"")]
    [InlineData("Mo-Fr 08:00-18:00;")]
    [InlineData("Mo-Fr sunrise-sunset")]
    [InlineData("Mo[1] 08:00-12:00")]
    [InlineData("Jun 24,25: Sa 03:45-06:30 off")]
    [InlineData("PHFr-We 10:00-12:00")]
    [InlineData("Mo to Fr 10:00-12:00")]
    public void Parses_the_supported_syntax(string text) => Parse(text);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("sometimes", "unknown word 'sometimes' at position 1")]
    [InlineData("Mo-Fr 25:00-26:00", "starts outside the day at position 7")]
    [InlineData("Mo-Fr 08:00", "'-'")]
    [InlineData("Mo-Xx 08:00-18:00", "unknown word 'Xx' at position 4")]
    [InlineData("Feb 30 off", "does not exist")]
    [InlineData("Mo[0] 08:00-12:00", "-5 to 5")]
    [InlineData("Mo-Fr 08:00-18:00 @", "unexpected '@' at position 19")]
    [InlineData("Mo-Fr 08:00-48:01", "two midnights")]
    [InlineData("10:00-16:00/01:30", "repeating times")]
    [InlineData("Mo, 10:00-12:00", "additional rule")]
    [InlineData("2026 Dec 24,25 10:00-12:00", "position 24")] // the reference misreads a day list after a year, and so refuses this one
    [InlineData("Sept 10:00-12:00", "unknown word 'Sept'")]
    public void Rejects_bad_values_with_a_reason(string text, string reason)
    {
        Assert.False(OpeningHoursSchedule.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Always_open_has_no_next_change()
    {
        var state = Parse("24/7").Evaluate(Cn(2026, 11, 18, 3), CnContext);
        Assert.Equal(OpenStatus.Open, state.Status);
        Assert.Null(state.NextChange);
    }

    [Fact]
    public void Weekday_hours_are_open_inside_and_closed_outside_with_the_next_change()
    {
        var s = Parse("Mo-Fr 08:30-17:30");
        Assert.Equal(new OpenState(OpenStatus.Open, Cn(2026, 11, 18, 17, 30), null), s.Evaluate(Cn(2026, 11, 18, 10), CnContext));
        Assert.Equal(new OpenState(OpenStatus.Closed, Cn(2026, 11, 19, 8, 30), null), s.Evaluate(Cn(2026, 11, 18, 20), CnContext));
        // Friday evening: the next opening is Monday morning.
        Assert.Equal(new OpenState(OpenStatus.Closed, Cn(2026, 11, 23, 8, 30), null), s.Evaluate(Cn(2026, 11, 20, 18), CnContext));
    }

    [Fact]
    public void Overnight_spans_belong_to_the_day_they_start()
    {
        var s = Parse("Fr 22:00-06:00");
        Assert.Equal(OpenStatus.Open, s.Evaluate(Cn(2026, 11, 20, 23), CnContext).Status);     // Friday 23:00
        var saturdayMorning = s.Evaluate(Cn(2026, 11, 21, 5), CnContext);                        // Saturday 05:00
        Assert.Equal(OpenStatus.Open, saturdayMorning.Status);
        Assert.Equal(Cn(2026, 11, 21, 6), saturdayMorning.NextChange);
        Assert.Equal(OpenStatus.Closed, s.Evaluate(Cn(2026, 11, 20, 5), CnContext).Status);     // Friday 05:00
    }

    [Fact]
    public void A_span_ending_at_midnight_continues_into_an_opening_at_midnight()
    {
        var s = Parse("Mo-Su 06:00-24:00");
        var state = s.Evaluate(Cn(2026, 11, 18, 23), CnContext);
        Assert.Equal(Cn(2026, 11, 19, 0), state.NextChange);
        Assert.Equal("24:00", s.Days(new DateOnly(2026, 11, 18), 1, CnContext)[0].Ranges[0].ToText);
    }

    [Fact]
    public void Semicolon_rules_replace_earlier_rules_and_comma_rules_add()
    {
        var replaced = Parse("Mo-Fr 08:00-18:00; We 10:00-12:00");
        Assert.Equal(OpenStatus.Closed, replaced.Evaluate(Cn(2026, 11, 18, 9), CnContext).Status);   // Wednesday
        Assert.Equal(OpenStatus.Open, replaced.Evaluate(Cn(2026, 11, 19, 9), CnContext).Status);     // Thursday

        var added = Parse("Mo-Fr 08:00-12:00, We 14:00-16:00");
        Assert.Equal(OpenStatus.Open, added.Evaluate(Cn(2026, 11, 18, 9), CnContext).Status);
        Assert.Equal(OpenStatus.Open, added.Evaluate(Cn(2026, 11, 18, 15), CnContext).Status);

        var lunch = Parse("Mo-Fr 08:00-18:00, We 12:00-13:00 off");
        Assert.Equal(OpenStatus.Closed, lunch.Evaluate(Cn(2026, 11, 18, 12, 30), CnContext).Status);
        Assert.Equal(OpenStatus.Open, lunch.Evaluate(Cn(2026, 11, 18, 13, 30), CnContext).Status);
    }

    [Fact]
    public void Off_closes_the_named_days()
    {
        var s = Parse("Mo-Su 07:00-19:00; Su off");
        Assert.Equal(OpenStatus.Closed, s.Evaluate(Cn(2026, 11, 22, 10), CnContext).Status);
        Assert.Equal(OpenStatus.Open, s.Evaluate(Cn(2026, 11, 21, 10), CnContext).Status);
    }

    [Fact]
    public void Public_holiday_only_rules_do_not_apply_to_ordinary_days()
    {
        var s = Parse("PH 10:00-12:00");
        Assert.Equal(OpenStatus.Closed, s.Evaluate(Cn(2026, 11, 18, 11), CnContext).Status);
        Assert.Equal(OpenStatus.Open, Parse("Mo-Fr 08:00-18:00; PH off").Evaluate(Cn(2026, 11, 18, 11), CnContext).Status);
    }

    [Fact]
    public void Unknown_and_open_end_report_unknown_with_the_comment()
    {
        var state = Parse("unknown \"reopening soon\"").Evaluate(Cn(2026, 11, 18, 11), CnContext);
        Assert.Equal(OpenStatus.Unknown, state.Status);
        Assert.Equal("reopening soon", state.Comment);
        var openEnd = Parse("Mo-Fr 18:00+");
        Assert.Equal(OpenStatus.Unknown, openEnd.Evaluate(Cn(2026, 11, 18, 20), CnContext).Status);
        Assert.Equal(OpenStatus.Closed, openEnd.Evaluate(Cn(2026, 11, 18, 10), CnContext).Status);
    }

    [Fact]
    public void Month_ranges_select_seasons()
    {
        var s = Parse("Jan-Mar 09:00-16:00; Apr-Dec 08:00-18:00");
        Assert.Equal(OpenStatus.Closed, s.Evaluate(Cn(2026, 2, 10, 8, 30), CnContext).Status);
        Assert.Equal(OpenStatus.Open, s.Evaluate(Cn(2026, 11, 18, 8, 30), CnContext).Status);
        Assert.Equal(OpenStatus.Closed, Parse("Mo-Su 08:00-18:00; Dec 24-26 off").Evaluate(Cn(2026, 12, 25, 10), CnContext).Status);
    }

    [Fact]
    public void The_same_instant_is_evaluated_in_each_station_time_zone()
    {
        var s = Parse("Mo-Fr 09:00-17:00");
        var instant = new DateTimeOffset(2026, 11, 18, 3, 0, 0, TimeSpan.Zero); // 11:00 Shanghai, 04:00 Berlin
        Assert.Equal(OpenStatus.Open, s.Evaluate(instant, CnContext).Status);
        var berlin = s.Evaluate(instant, BerlinContext);
        Assert.Equal(OpenStatus.Closed, berlin.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.FromHours(1)), berlin.NextChange);
    }

    [Fact]
    public void Next_change_across_a_daylight_saving_switch_uses_the_new_offset()
    {
        // Berlin switches to summer time on Sunday 29 March 2026.
        var s = Parse("Mo-Fr 09:00-17:00");
        var friday = new DateTimeOffset(2026, 3, 27, 18, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 9, 0, 0, TimeSpan.FromHours(2)), s.Evaluate(friday, BerlinContext).NextChange);
    }

    [Fact]
    public void Days_lists_ranges_per_local_day()
    {
        var days = Parse("Mo-Fr 08:00-12:00,13:00-18:00; Sa 09:00-12:00").Days(new DateOnly(2026, 11, 21), 3, CnContext);
        Assert.Equal([OpenStatus.Open, OpenStatus.Closed, OpenStatus.Open], days.Select(d => d.Status));
        Assert.Equal("09:00-12:00", string.Join(",", days[0].Ranges.Select(r => $"{r.FromText}-{r.ToText}")));
        Assert.Equal("08:00-12:00,13:00-18:00", string.Join(",", days[2].Ranges.Select(r => $"{r.FromText}-{r.ToText}")));
    }
}
