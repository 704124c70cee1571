using System.Diagnostics;
using System.Globalization;
using StationMap.Api.Infrastructure.OpeningHours;
using Xunit.Abstractions;

namespace StationMap.Tests.OpeningHours;

/// <summary>
/// Answers of the reference evaluator (opening_hours.js 3.15.0, Hangzhou, its own public holidays for
/// China, which <see cref="Calendar"/> repeats) for the hard cases of the grammar: the state, the
/// next change of state (local time, 366 days ahead) and the comment.
/// </summary>
public sealed class OpeningHoursReferenceTests(ITestOutputHelper output)
{
    static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    static readonly HolidayCalendar Calendar = new(new Dictionary<DateOnly, string>
    {
        [new DateOnly(2026, 1, 1)] = "元旦",
        [new DateOnly(2026, 3, 8)] = "妇女节",
        [new DateOnly(2026, 5, 1)] = "劳动节",
        [new DateOnly(2026, 5, 4)] = "青年节",
        [new DateOnly(2026, 6, 1)] = "儿童节",
        [new DateOnly(2026, 10, 1)] = "国庆节",
        [new DateOnly(2026, 10, 2)] = "国庆节休息日",
        [new DateOnly(2026, 10, 3)] = "国庆节休息日",
        [new DateOnly(2027, 1, 1)] = "元旦",
        [new DateOnly(2027, 3, 8)] = "妇女节",
        [new DateOnly(2027, 5, 1)] = "劳动节",
        [new DateOnly(2027, 5, 4)] = "青年节",
        [new DateOnly(2027, 6, 1)] = "儿童节",
        [new DateOnly(2027, 10, 1)] = "国庆节",
        [new DateOnly(2027, 10, 2)] = "国庆节休息日",
        [new DateOnly(2027, 10, 3)] = "国庆节休息日",
    }, new Dictionary<DateOnly, string>(), new HashSet<DateOnly>());

    static readonly EvaluationContext Hangzhou = new(Shanghai, 30.2741, 120.1551, Calendar);

    static OpeningHoursSchedule Parse(string text)
    {
        Assert.True(OpeningHoursSchedule.TryParse(text, out var s, out var error), error);
        return s!;
    }

    static DateTimeOffset Local(string text) =>
        new(DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture), TimeSpan.FromHours(8));

    [Theory]
    [InlineData("Mo-Fr 08:00-18:00; 12:00-13:00 off", "2026-11-18T12:30", OpenStatus.Closed, "2026-11-18T13:00", null)]
    [InlineData("Mo-Fr 08:00-18:00; 12:00-13:00 off", "2026-11-18T11:00", OpenStatus.Open, "2026-11-18T12:00", null)]
    [InlineData("Mo-Fr 08:00-18:00; 12:00-13:00 off", "2026-11-21T10:00", OpenStatus.Closed, "2026-11-23T08:00", null)]
    [InlineData("24/7; Tu 16:00-17:00 off", "2026-11-17T16:30", OpenStatus.Closed, "2026-11-17T17:00", null)]
    [InlineData("24/7; Tu 16:00-17:00 off", "2026-11-17T10:00", OpenStatus.Open, "2026-11-17T16:00", null)]
    [InlineData("\"by appointment\"", "2026-11-18T10:00", OpenStatus.Unknown, null, "by appointment")]
    [InlineData("Mo-Fr 08:00-18:00 \"call ahead\"", "2026-11-18T10:00", OpenStatus.Unknown, "2026-11-18T18:00", "call ahead")]
    [InlineData("Mo-Fr 08:00-18:00 \"call ahead\"", "2026-11-18T19:00", OpenStatus.Closed, "2026-11-19T08:00", null)]
    [InlineData("24/7 \"无人值守\"", "2026-11-18T10:00", OpenStatus.Unknown, null, "无人值守")]
    [InlineData("Mo-Fr 08:00-18:00 || \"call ahead\"", "2026-11-18T10:00", OpenStatus.Open, "2026-11-18T18:00", null)]
    [InlineData("Mo-Fr 08:00-18:00 || \"call ahead\"", "2026-11-18T19:00", OpenStatus.Unknown, "2026-11-19T08:00", "call ahead")]
    [InlineData("Mo-Fr 08:00-18:00 || \"call ahead\"", "2026-11-21T10:00", OpenStatus.Unknown, "2026-11-23T08:00", "call ahead")]
    [InlineData("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", "2026-11-20T00:30", OpenStatus.Closed, "2026-11-20T17:00", null)]
    [InlineData("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", "2026-11-19T00:30", OpenStatus.Open, "2026-11-19T01:00", null)]
    [InlineData("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", "2026-11-21T02:30", OpenStatus.Open, "2026-11-21T03:00", null)]
    [InlineData("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", "2026-11-22T02:30", OpenStatus.Open, "2026-11-22T03:00", null)]
    [InlineData("Mo-Th 17:00-01:00; Fr-Sa 17:00-03:00", "2026-11-20T23:00", OpenStatus.Open, "2026-11-21T03:00", null)]
    [InlineData("off \"暂停开放\"", "2026-11-18T10:00", OpenStatus.Closed, null, "暂停开放")]
    [InlineData("Mo-Fr 08:00-18:00; PH off", "2026-10-01T10:00", OpenStatus.Closed, "2026-10-05T08:00", "国庆节")]
    [InlineData("Mo-Fr 08:00-18:00; PH off", "2026-10-05T07:00", OpenStatus.Closed, "2026-10-05T08:00", null)]
    [InlineData("PH +1 day 10:00-14:00", "2026-10-02T11:00", OpenStatus.Open, "2026-10-02T14:00", "Day after 国庆节")]
    [InlineData("PH +1 day 10:00-14:00", "2026-10-04T11:00", OpenStatus.Open, "2026-10-04T14:00", "Day after 国庆节休息日")]
    [InlineData("PH,Sa 10:00-12:00", "2026-10-01T11:00", OpenStatus.Open, "2026-10-01T12:00", "国庆节")]
    [InlineData("PH,Sa 10:00-12:00", "2026-11-21T11:00", OpenStatus.Open, "2026-11-21T12:00", null)]
    [InlineData("PH,Sa 10:00-12:00", "2026-11-20T11:00", OpenStatus.Closed, "2026-11-21T10:00", null)]
    [InlineData("PH Mo-Fr 10:00-12:00", "2026-10-01T11:00", OpenStatus.Open, "2026-10-01T12:00", "国庆节")]
    [InlineData("PH Mo-Fr 10:00-12:00", "2026-10-03T11:00", OpenStatus.Closed, "2027-01-01T10:00", null)]
    [InlineData("Dec 25,26 10:00-12:00", "2026-12-26T11:00", OpenStatus.Open, "2026-12-26T12:00", null)]
    [InlineData("Dec 25,26 10:00-12:00", "2026-12-27T11:00", OpenStatus.Closed, "2027-12-25T10:00", null)]
    [InlineData("2026 Dec 24 10:00-12:00", "2026-12-24T11:00", OpenStatus.Open, "2026-12-24T12:00", null)]
    [InlineData("2026 Dec 24 10:00-12:00", "2027-12-24T11:00", OpenStatus.Closed, null, null)]
    [InlineData("Jan 05-Feb 10 10:00-12:00", "2027-01-20T11:00", OpenStatus.Open, "2027-01-20T12:00", null)]
    [InlineData("Jan 05-Feb 10 10:00-12:00", "2027-02-11T11:00", OpenStatus.Closed, "2028-01-05T10:00", null)]
    [InlineData("Dec 24-Jan 02 10:00-12:00", "2026-12-31T11:00", OpenStatus.Open, "2026-12-31T12:00", null)]
    [InlineData("Dec 24-Jan 02 10:00-12:00", "2027-01-03T11:00", OpenStatus.Closed, "2027-12-24T10:00", null)]
    [InlineData("Jan-Mar: Mo-Fr 09:00-16:00", "2027-02-10T10:00", OpenStatus.Open, "2027-02-10T16:00", null)]
    [InlineData("Jan-Mar: Mo-Fr 09:00-16:00", "2026-11-18T10:00", OpenStatus.Closed, "2027-01-01T09:00", null)]
    [InlineData("easter +1 day 10:00-12:00", "2027-03-29T11:00", OpenStatus.Open, "2027-03-29T12:00", null)]
    [InlineData("easter +1 day 10:00-12:00", "2027-03-28T11:00", OpenStatus.Closed, "2027-03-29T10:00", null)]
    [InlineData("week 01-26 10:00-12:00", "2026-06-24T11:00", OpenStatus.Open, "2026-06-24T12:00", null)]
    [InlineData("week 01-26 10:00-12:00", "2026-06-29T11:00", OpenStatus.Closed, "2027-01-04T10:00", null)]
    [InlineData("week 1-53/2 10:00-12:00", "2026-11-18T11:00", OpenStatus.Open, "2026-11-18T12:00", null)]
    [InlineData("week 1-53/2 10:00-12:00", "2026-11-25T11:00", OpenStatus.Closed, "2026-11-30T10:00", null)]
    [InlineData("Mo[1] 10:00-12:00", "2026-12-07T11:00", OpenStatus.Open, "2026-12-07T12:00", null)]
    [InlineData("Mo[1] 10:00-12:00", "2026-12-14T11:00", OpenStatus.Closed, "2027-01-04T10:00", null)]
    [InlineData("Su[-1] 10:00-12:00", "2026-11-29T11:00", OpenStatus.Open, "2026-11-29T12:00", null)]
    [InlineData("Su[-1] 10:00-12:00", "2026-11-22T11:00", OpenStatus.Closed, "2026-11-29T10:00", null)]
    [InlineData("Sa[1,3] 10:00-12:00", "2026-11-21T11:00", OpenStatus.Open, "2026-11-21T12:00", null)]
    [InlineData("Sa[1,3] 10:00-12:00", "2026-11-14T11:00", OpenStatus.Closed, "2026-11-21T10:00", null)]
    [InlineData("Mo[1-2] 10:00-12:00", "2026-11-09T11:00", OpenStatus.Open, "2026-11-09T12:00", null)]
    [InlineData("Mo[1-2] 10:00-12:00", "2026-11-16T11:00", OpenStatus.Closed, "2026-12-07T10:00", null)]
    [InlineData("Sa[1] +2 days 10:00-12:00", "2026-11-09T11:00", OpenStatus.Open, "2026-11-09T12:00", null)]
    [InlineData("Sa[1] +2 days 10:00-12:00", "2026-11-07T11:00", OpenStatus.Closed, "2026-11-09T10:00", null)]
    [InlineData("2025-2027 10:00-12:00", "2026-11-18T11:00", OpenStatus.Open, "2026-11-18T12:00", null)]
    [InlineData("2026+ 10:00-12:00", "2028-11-18T11:00", OpenStatus.Open, "2028-11-18T12:00", null)]
    [InlineData("2020/2 10:00-12:00", "2026-11-18T11:00", OpenStatus.Open, "2026-11-18T12:00", null)]
    [InlineData("2020/2 10:00-12:00", "2027-11-18T11:00", OpenStatus.Closed, "2028-01-01T10:00", null)]
    [InlineData("(sunrise-00:30)-(sunset+00:30)", "2026-06-21T05:00", OpenStatus.Open, "2026-06-21T19:34", null)]
    [InlineData("(sunrise-00:30)-(sunset+00:30)", "2026-06-21T12:00", OpenStatus.Open, "2026-06-21T19:34", null)]
    [InlineData("sunset-sunrise", "2026-12-21T23:00", OpenStatus.Open, "2026-12-22T06:51", null)]
    [InlineData("sunset-sunrise", "2026-12-21T12:00", OpenStatus.Closed, "2026-12-21T17:03", null)]
    [InlineData("Mo-Fr 18:00+", "2026-11-18T20:00", OpenStatus.Unknown, "2026-11-19T04:00", "Specified as open end. Closing time was guessed.")]
    [InlineData("Mo-Fr 18:00+", "2026-11-19T03:00", OpenStatus.Unknown, "2026-11-19T04:00", "Specified as open end. Closing time was guessed.")]
    [InlineData("Mo-Fr 00:00-48:00", "2026-11-21T10:00", OpenStatus.Open, "2026-11-22T00:00", null)]
    [InlineData("Mo-Fr 00:00-48:00", "2026-11-22T10:00", OpenStatus.Closed, "2026-11-23T00:00", null)]
    [InlineData("Mo-Fr 22:00-26:00", "2026-11-21T01:00", OpenStatus.Open, "2026-11-21T02:00", null)]
    [InlineData("Mo-Fr 22:00-26:00", "2026-11-21T03:00", OpenStatus.Closed, "2026-11-23T22:00", null)]
    [InlineData("Mo-Fr 07:00+,12:00-16:00", "2026-11-18T09:00", OpenStatus.Closed, "2026-11-18T12:00", "Specified as open end. Closing time was guessed.")]
    [InlineData("Mo-Fr 07:00+,12:00-16:00", "2026-11-18T13:00", OpenStatus.Open, "2026-11-18T16:00", null)]
    [InlineData("10:00-12:00; 14:00-16:00", "2026-11-18T11:00", OpenStatus.Closed, "2026-11-18T14:00", null)]
    [InlineData("10:00-12:00; 14:00-16:00", "2026-11-18T15:00", OpenStatus.Open, "2026-11-18T16:00", null)]
    [InlineData("Mo-Fr 08:00-18:00, Sa 10:00-12:00", "2026-11-21T11:00", OpenStatus.Open, "2026-11-21T12:00", null)]
    [InlineData("mo-fr 08:00-18:00", "2026-11-18T11:00", OpenStatus.Open, "2026-11-18T18:00", null)]
    [InlineData("Dec Su[-1] 10:00-12:00", "2026-12-27T11:00", OpenStatus.Open, "2026-12-27T12:00", null)]
    [InlineData("Dec Su[-1] 10:00-12:00", "2026-12-20T11:00", OpenStatus.Closed, "2026-12-27T10:00", null)]
    [InlineData("Feb 01-28 10:00-12:00", "2028-02-10T11:00", OpenStatus.Open, "2028-02-10T12:00", null)]
    [InlineData("Mo-Fr 07:00+,12:00-16:00", "2026-11-18T07:00", OpenStatus.Unknown, "2026-11-18T12:00", "Specified as open end. Closing time was guessed.")]
    [InlineData("Mo-Fr 08:00-12:00+", "2026-11-18T11:00", OpenStatus.Open, "2026-11-18T12:00", null)]
    [InlineData("Mo-Fr 08:00-12:00+", "2026-11-18T12:00", OpenStatus.Unknown, "2026-11-19T00:00", "Specified as open end. Closing time was guessed.")]
    [InlineData("Mo-Fr 08:00-12:00+", "2026-11-18T15:00", OpenStatus.Closed, "2026-11-19T08:00", "Specified as open end. Closing time was guessed.")]
    [InlineData("07:00-(dawn-00:30)+", "2026-11-18T12:00", OpenStatus.Open, "2026-11-19T05:32", null)]
    [InlineData("07:00-(dawn-00:30)+", "2026-11-19T03:00", OpenStatus.Open, "2026-11-19T05:32", null)]
    [InlineData("Tu-Th 23:15-sunset", "2026-11-18T12:00", OpenStatus.Open, "2026-11-18T17:01", null)]
    [InlineData("Tu-Th 23:15-sunset", "2026-11-19T03:00", OpenStatus.Open, "2026-11-19T17:01", null)]
    [InlineData("Mon-Fri 08:00-18:00", "2026-11-18T12:00", OpenStatus.Open, "2026-11-18T18:00", null)]
    [InlineData("Mo-Fr 08:00～18:00,", "2026-11-18T12:00", OpenStatus.Open, "2026-11-18T18:00", null)]
    [InlineData("Dec 08: Su 10:00-18:15", "2026-12-08T12:00", OpenStatus.Closed, null, null)]
    public void Agrees_with_the_reference(string value, string at, OpenStatus status, string? nextChange, string? comment)
    {
        var state = Parse(value).Evaluate(Local(at), Hangzhou);
        Assert.Equal((status, nextChange is null ? (DateTimeOffset?)null : Local(nextChange), comment), (state.Status, state.NextChange, state.Comment));
    }

    [Fact]
    public void A_make_up_working_day_is_a_monday_for_weekdays_and_the_real_date_for_the_rest()
    {
        var saturday = new DateOnly(2026, 2, 14);
        var calendar = new HolidayCalendar(new Dictionary<DateOnly, string> { [saturday] = "春节" },
            new Dictionary<DateOnly, string>(), new HashSet<DateOnly> { saturday });
        var context = new EvaluationContext(Shanghai, 30.2741, 120.1551, calendar);
        var at = Local("2026-02-14T10:00");
        Assert.Equal(OpenStatus.Open, Parse("Mo-Fr 08:00-18:00").Evaluate(at, context).Status);
        Assert.Equal(OpenStatus.Closed, Parse("Sa 08:00-18:00").Evaluate(at, context).Status);
        Assert.Equal(OpenStatus.Open, Parse("Mo-Fr 08:00-18:00; PH off").Evaluate(at, context).Status);   // PH does not match
        Assert.Equal(OpenStatus.Open, Parse("Feb 14 08:00-18:00").Evaluate(at, context).Status);          // the real date
        Assert.Equal(OpenStatus.Open, Parse("Sa[2] 08:00-18:00").Evaluate(at, context).Status);           // nth weekday: real date
        Assert.Equal(OpenStatus.Closed, Parse("Mo-Fr 08:00-18:00").Evaluate(at, Hangzhou).Status);        // an ordinary Saturday
        var day = Parse("Mo-Fr 08:00-18:00").Days(saturday, 1, context)[0];
        Assert.Equal(new Holiday("调休上班", HolidayKind.MakeupWorkday), day.Holiday);
        Assert.Equal("08:00-18:00", string.Join(",", day.Ranges.Select(r => $"{r.FromText}-{r.ToText}")));
    }

    [Fact]
    public void Days_give_intervals_with_status_comment_and_holiday()
    {
        var s = Parse("Mo-Fr 08:00-12:00,13:00-18:00 \"staffed\"; Sa 09:00-12:00 open; PH off \"closed on holidays\"");
        var days = s.Days(new DateOnly(2026, 9, 30), 4, Hangzhou);
        Assert.Equal(["08:00-12:00 Unknown staffed", "13:00-18:00 Unknown staffed"], days[0].Ranges.Select(r => $"{r.FromText}-{r.ToText} {r.Status} {r.Comment}"));
        Assert.Equal(OpenStatus.Unknown, days[0].Status);
        Assert.Equal(OpenStatus.Closed, days[1].Status);
        Assert.Equal("closed on holidays", days[1].Comment);
        Assert.Equal(new Holiday("国庆节", HolidayKind.Public), days[1].Holiday);
        Assert.Empty(days[3].Ranges); // Saturday 3 October is a holiday too

        var overnight = Parse("Fr 22:00-03:00").Days(new DateOnly(2026, 11, 20), 2, Hangzhou);
        Assert.Equal("22:00-03:00", string.Join(",", overnight[0].Ranges.Select(r => $"{r.FromText}-{r.ToText}")));
        Assert.True(overnight[0].Ranges[0].EndsNextDay);
        Assert.Empty(overnight[1].Ranges);

        var solar = Parse("sunrise-sunset").Days(new DateOnly(2026, 6, 21), 1, Hangzhou)[0].Ranges.Single();
        Assert.Equal(("04:58", "19:04"), (solar.FromText, solar.ToText));
    }

    [Fact]
    public void Solar_times_match_suncalc_within_a_minute_and_polar_days_have_none()
    {
        // suncalc for Hangzhou on 21 June 2026: sunrise 20:58:05Z (the 20th), sunset 11:04:12Z.
        var hangzhou = SolarTimes.For(new DateOnly(2026, 6, 21), 30.2741, 120.1551, Shanghai);
        Assert.InRange((hangzhou.Sunrise!.Value - new DateTimeOffset(2026, 6, 20, 20, 58, 5, TimeSpan.Zero)).Duration().TotalSeconds, 0, 60);
        Assert.InRange((hangzhou.Sunset!.Value - new DateTimeOffset(2026, 6, 21, 11, 4, 12, TimeSpan.Zero)).Duration().TotalSeconds, 0, 60);
        Assert.True(hangzhou.Dawn < hangzhou.Sunrise && hangzhou.Dusk > hangzhou.Sunset);

        var oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
        var tromso = SolarTimes.For(new DateOnly(2026, 6, 21), 69.65, 18.96, oslo);
        Assert.Null(tromso.Sunrise);
        Assert.Null(tromso.Sunset);
        var polar = new EvaluationContext(oslo, 69.65, 18.96, HolidayCalendar.None);
        Assert.Equal(OpenStatus.Closed, Parse("sunrise-sunset").Evaluate(new DateTimeOffset(2026, 6, 21, 12, 0, 0, TimeSpan.FromHours(2)), polar).Status);
    }

    [Fact]
    public void The_answer_holds_until_stable_until()
    {
        var s = Parse("Mo-Fr 08:00-12:00,13:00-18:00; Sa 09:00-12:00; PH off");
        var at = Local("2026-11-18T10:17");
        var state = s.Evaluate(at, Hangzhou, out var until);
        Assert.Equal(Local("2026-11-18T12:00"), until);
        for (var t = at; t < until; t = t.AddMinutes(7)) Assert.Equal(state, s.Evaluate(t, Hangzhou));
        Assert.NotEqual(state, s.Evaluate(until, Hangzhou));
    }

    [Fact]
    public void A_comment_that_appears_ends_stable_until_but_is_no_next_change()
    {
        // Closed on the evening before National Day; at midnight the holiday's name becomes the
        // comment, the state stays closed until Monday 08:00.
        var s = Parse("Mo-Fr 08:00-18:00; PH off");
        var at = Local("2026-09-30T20:00");
        var state = s.Evaluate(at, Hangzhou, out var until);
        Assert.Equal((OpenStatus.Closed, (DateTimeOffset?)Local("2026-10-05T08:00"), (string?)null), (state.Status, state.NextChange, state.Comment));
        Assert.Equal(Local("2026-10-01T00:00"), until);
        Assert.Equal("国庆节", s.Evaluate(until, Hangzhou).Comment);
    }

    [Fact]
    public void A_boundary_in_a_daylight_saving_gap_moves_forward_as_javascript_dates_do()
    {
        // Berlin springs forward on 29 March 2026 at 02:00; 02:30 does not exist and becomes 03:30.
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var context = new EvaluationContext(berlin, 52.52, 13.405, HolidayCalendar.None);
        var state = Parse("Su 02:30-05:00").Evaluate(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.FromHours(1)), context);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 30, 0, TimeSpan.FromHours(2)), state.NextChange);
    }

    [Fact]
    public void Evaluations_per_second_for_a_realistic_value()
    {
        var s = Parse("Mo-Fr 08:00-12:00,13:00-18:00; Sa 09:00-12:00; PH off");
        var at = Local("2026-11-18T10:17");
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.ElapsedMilliseconds < 500)
        {
            s.Evaluate(at.AddMinutes(n * 37 % 10080), Hangzhou);
            n++;
        }
        output.WriteLine($"{n / clock.Elapsed.TotalSeconds:N0} evaluations per second with next change");
        Assert.True(n > 0);
    }
}
