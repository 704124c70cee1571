using StationMap.Api.Features.Holidays;

namespace StationMap.Tests.Holidays;

/// <summary>The two holiday file formats (JSON and iCalendar), read by one checker: good files, and bad ones naming the field or line.</summary>
public sealed class HolidayFileTests
{
    const string Source = "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）";

    static readonly string Json2026 = """
        {
          "region": "CN",
          "year": 2026,
          "source": "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
          // comments are allowed
          "holidays": [
            {"name": "元旦", "from": "2026-01-01", "to": "2026-01-03"},
            {"name": "春节", "from": "2026-02-15", "to": "2026-02-23"},
            {"name": "清明节", "date": "2026-04-05"}
          ],
          "makeup_workdays": [
            {"date": "2026-01-04", "name": "元旦补班"},
            {"date": "2026-02-14", "name": "春节补班"},
            {"date": "2026-02-28"}
          ]
        }
        """;

    static HolidayFormatException Bad(string text, string? format = null, HolidayFileOptions? options = null) =>
        Assert.Throws<HolidayFormatException>(() => HolidayFile.Read(text, format, options ?? new()));

    static void HasError(HolidayFormatException e, string part) =>
        Assert.True(e.Errors.Any(m => m.Contains(part, StringComparison.Ordinal)), $"no error containing '{part}' in:\n{string.Join("\n", e.Errors)}");

    [Fact]
    public void Json_ranges_are_inclusive_and_make_up_days_are_their_own_kind()
    {
        var year = HolidayFile.Read(Json2026, null, new());
        Assert.Equal(("CN", 2026, "notice", Source), (year.Region, year.Year, year.Basis, year.Source));
        var holidays = year.Days.Where(d => d.Kind == HolidayKinds.Holiday).ToList();
        Assert.Equal(3 + 9 + 1, holidays.Count);
        Assert.Contains(new HolidayDay(new DateOnly(2026, 2, 17), HolidayKinds.Holiday, "春节"), year.Days);
        Assert.Contains(new HolidayDay(new DateOnly(2026, 2, 23), HolidayKinds.Holiday, "春节"), year.Days);
        Assert.DoesNotContain(year.Days, d => d.Date == new DateOnly(2026, 2, 24));
        Assert.Equal([new DateOnly(2026, 1, 4), new DateOnly(2026, 2, 14), new DateOnly(2026, 2, 28)],
            year.Days.Where(d => d.Kind == HolidayKinds.MakeupWorkday).Select(d => d.Date));
        Assert.Equal("调休上班", year.Days.Single(d => d.Date == new DateOnly(2026, 2, 28)).Name);
        Assert.Equal(year.Days.OrderBy(d => d.Date), year.Days);
    }

    [Fact]
    public void Json_basis_statutory_and_school_holidays_are_read()
    {
        var year = HolidayFile.Read("""
            {"region": "CN-ZJ", "year": 2027, "basis": "statutory", "source": "test", "note": "n",
             "school_holidays": [{"name": "寒假", "from": "2027-01-25", "to": "2027-01-31"}]}
            """, "json", new());
        Assert.Equal(("CN-ZJ", "statutory", "n"), (year.Region, year.Basis, year.Note));
        Assert.Equal(7, year.Days.Count(d => d.Kind == HolidayKinds.SchoolHoliday));
    }

    [Theory]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"name": "春节", "from": "2026-02-15", "to": "2026-02-13"}]}""", "holidays[0].to: 2026-02-13 is before the first day")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"name": "春节", "date": "2026-02-30"}]}""", "holidays[0].date: '2026-02-30' is not a date")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"date": "2026-02-16"}]}""", "holidays[0].name: required")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"name": "x", "date": "2026-02-16", "from": "2026-02-16", "to": "2026-02-17"}]}""", "holidays[0]: give either")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"name": "x", "date": "2026-02-16", "colour": "red"}]}""", "holidays[0].colour: unknown field")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holiday": []}""", "holiday: unknown field")]
    [InlineData("""{"region": "CN", "year": 2026, "holidays": [{"name": "x", "date": "2026-02-16"}]}""", "source: required")]
    [InlineData("""{"region": "china", "year": 2026, "source": "s", "holidays": [{"name": "x", "date": "2026-02-16"}]}""", "region: 'china'")]
    [InlineData("""{"region": "CN", "year": "2026", "source": "s", "holidays": [{"name": "x", "date": "2026-02-16"}]}""", "year: must be a whole number")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"name": "x", "date": "2027-03-01"}]}""", "holidays[0]: 2027-03-01 is outside 2026")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "makeup_workdays": [{"date": "2026-02-16"}]}""", "makeup_workdays[0]: 2026-02-16 is a Monday")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"name": "春节", "date": "2026-02-14"}], "makeup_workdays": [{"date": "2026-02-14"}]}""", "makeup_workdays[0]: 2026-02-14 is both a holiday and a make-up working day (holidays[0])")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"name": "春节", "date": "2026-02-16"}, {"name": "元宵", "date": "2026-02-16"}]}""", "holidays[1]: 2026-02-16 is already 春节 (holidays[0])")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s"}""", "no days")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "holidays": [{"name": "x", "from": "2026-02-15", "to": "2027-02-23"}]}""", "holidays[0].to: the range is longer than")]
    [InlineData("""{"region": "CN", "year": 2026, "source": "s", "basis": "rumour", "holidays": [{"name": "x", "date": "2026-02-16"}]}""", "basis: 'rumour'")]
    [InlineData("[1, 2]", "the document must be a JSON object")]
    public void Bad_json_names_the_field(string text, string expected) => HasError(Bad(text, "json"), expected);

    [Fact]
    public void Broken_json_names_the_line()
    {
        var e = Bad("{\n  \"region\": \"CN\",\n  \"year\": 2026\n  \"source\": \"s\"\n}");
        HasError(e, "line 4: invalid JSON");
    }

    [Fact]
    public void The_callers_region_and_year_must_agree_with_the_file()
    {
        var e = Bad(Json2026, null, new HolidayFileOptions("CN-ZJ", 2027));
        HasError(e, "region: the file is for region CN, not CN-ZJ");
        HasError(e, "year: the file is for 2026, not 2027");
        // Without region and year in the file, the caller's are used.
        var year = HolidayFile.Read("""{"source": "s", "holidays": [{"name": "x", "date": "2026-02-16"}]}""", null, new HolidayFileOptions("CN", 2026, "override"));
        Assert.Equal(("CN", 2026, "override"), (year.Region, year.Year, year.Source));
    }

    // Written as calendar feeds publish them: CRLF, a folded line, a VTIMEZONE, 上班 / 补班 summaries.
    static readonly string Ics2026 = string.Join("\r\n",
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//StationMap tests//holidays//ZH",
        "X-WR-CALNAME:中国法定节假日",
        "X-WR-CALDESC:国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7",
        " 号）",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Shanghai",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0800",
        "TZOFFSETTO:+0800",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "UID:2026-02-14@test",
        "SUMMARY:上班(补春节假期)",
        "DTSTART;VALUE=DATE:20260214",
        "DTEND;VALUE=DATE:20260215",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:2026-02-15@test",
        "SUMMARY:春节",
        "DTSTART;VALUE=DATE:20260215",
        "DTEND;VALUE=DATE:20260224",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:明天放假",
        "TRIGGER:-PT12H",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:2026-02-28@test",
        "SUMMARY:春节补班",
        "DTSTART;VALUE=DATE:20260228",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:2026-10-10@test",
        "SUMMARY:国庆节 调休",
        "CATEGORIES:Makeup_Workday",
        "DTSTART:20261010",
        "DURATION:P1D",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:2026-10-01@test",
        "SUMMARY:国庆节",
        "DTSTART;VALUE=DATE:20261001",
        "DURATION:P7D",
        "END:VEVENT",
        "END:VCALENDAR",
        "");

    [Fact]
    public void Ics_all_day_events_end_the_day_before_dtend_and_ban_marks_a_make_up_day()
    {
        var year = HolidayFile.Read(Ics2026, null, new HolidayFileOptions("CN"));
        Assert.Equal(("CN", 2026, "notice"), (year.Region, year.Year, year.Basis));
        Assert.Equal("国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）", year.Source);   // unfolded
        var spring = year.Days.Where(d => d.Name == "春节").Select(d => d.Date).ToList();
        Assert.Equal(9, spring.Count);
        Assert.Equal(new DateOnly(2026, 2, 15), spring[0]);
        Assert.Equal(new DateOnly(2026, 2, 23), spring[^1]);
        Assert.Equal(7, year.Days.Count(d => d.Name == "国庆节"));
        Assert.Equal([new DateOnly(2026, 2, 14), new DateOnly(2026, 2, 28), new DateOnly(2026, 10, 10)],
            year.Days.Where(d => d.Kind == HolidayKinds.MakeupWorkday).Select(d => d.Date));
        Assert.Equal("上班(补春节假期)", year.Days.First().Name);
    }

    [Fact]
    public void Ics_with_bare_lf_and_a_source_property_reads_the_same()
    {
        var text = Ics2026.Replace("\r\n", "\n").Replace("X-WR-CALNAME:中国法定节假日", "SOURCE:https://example.org/holidays-2026.ics");
        var year = HolidayFile.Read(text, "ics", new HolidayFileOptions("CN"));
        Assert.Equal("https://example.org/holidays-2026.ics", year.Source);
        Assert.Equal(HolidayFile.Read(Ics2026, "ics", new HolidayFileOptions("CN")).Days, year.Days);
    }

    static string Calendar(params string[] lines) =>
        string.Join("\r\n", new[] { "BEGIN:VCALENDAR", "VERSION:2.0", "X-WR-CALDESC:test" }.Concat(lines).Append("END:VCALENDAR"));

    [Theory]
    [InlineData("line 6: DTSTART '20260215T000000' must be an all-day date", "BEGIN:VEVENT", "SUMMARY:春节", "DTSTART;TZID=Asia/Shanghai:20260215T000000", "END:VEVENT")]
    [InlineData("line 6: DTSTART '20260231' is not a date", "BEGIN:VEVENT", "SUMMARY:春节", "DTSTART;VALUE=DATE:20260231", "END:VEVENT")]
    [InlineData("line 7: DTEND 20260215 is not after DTSTART 20260215", "BEGIN:VEVENT", "SUMMARY:春节", "DTSTART;VALUE=DATE:20260215", "DTEND;VALUE=DATE:20260215", "END:VEVENT")]
    [InlineData("line 4 (VEVENT): no SUMMARY", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260215", "END:VEVENT")]
    [InlineData("line 4 (VEVENT 春节): no DTSTART", "BEGIN:VEVENT", "SUMMARY:春节", "END:VEVENT")]
    [InlineData("line 7: RRULE: recurring events are not supported", "BEGIN:VEVENT", "SUMMARY:元旦", "DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=YEARLY", "END:VEVENT")]
    [InlineData("line 6: DTSTART must be an all-day date (DTSTART;VALUE=DATE:YYYYMMDD), not VALUE=DATE-TIME", "BEGIN:VEVENT", "SUMMARY:x", "DTSTART;VALUE=DATE-TIME:20260215T000000", "END:VEVENT")]
    [InlineData("line 8: DURATION 'PT12H' must be whole days", "BEGIN:VEVENT", "SUMMARY:x", "DTSTART;VALUE=DATE:20260215", "UID:1", "DURATION:PT12H", "END:VEVENT")]
    [InlineData("line 4: not a NAME:VALUE content line", "this is not ical")]
    [InlineData("line 8: END:VTODO does not close BEGIN:VEVENT", "BEGIN:VEVENT", "SUMMARY:x", "DTSTART;VALUE=DATE:20260215", "UID:1", "END:VTODO")]
    [InlineData("line 4 (VEVENT 上班): 2026-02-16 is a Monday", "BEGIN:VEVENT", "SUMMARY:上班", "DTSTART;VALUE=DATE:20260216", "END:VEVENT")]
    [InlineData("no days", "BEGIN:VTIMEZONE", "TZID:Asia/Shanghai", "END:VTIMEZONE")]
    public void Bad_ics_names_the_line(string expected, params string[] lines) => HasError(Bad(Calendar(lines), "ics", new HolidayFileOptions("CN")), expected);

    [Fact]
    public void Ics_without_a_source_or_end_is_refused()
    {
        var e = Bad("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:春节\r\nDTSTART;VALUE=DATE:20260215\r\nEND:VEVENT\r\n", "ics", new HolidayFileOptions("CN"));
        HasError(e, "line 5: the calendar does not end with END:VCALENDAR");
        HasError(e, "source (SOURCE, URL or X-WR-CALDESC): required");
        HasError(Bad("VERSION:2.0\r\n", "ics", new HolidayFileOptions("CN")), "line 1: an iCalendar file starts with BEGIN:VCALENDAR");
    }

    [Fact]
    public void Ics_year_is_where_most_days_fall_and_may_reach_into_the_december_before()
    {
        // The notice for 2023 began its New Year holiday on 2022-12-31.
        var year = HolidayFile.Read(Calendar(
            "BEGIN:VEVENT", "SUMMARY:元旦", "DTSTART;VALUE=DATE:20221231", "DTEND;VALUE=DATE:20230103", "END:VEVENT"), "ics", new HolidayFileOptions("CN"));
        Assert.Equal(2023, year.Year);
        Assert.Equal(new DateOnly(2022, 12, 31), year.Days[0].Date);
        // A feed of several years is refused line by line unless its days fit the year asked for.
        var e = Bad(Calendar(
            "BEGIN:VEVENT", "SUMMARY:元旦", "DTSTART;VALUE=DATE:20250101", "END:VEVENT",
            "BEGIN:VEVENT", "SUMMARY:元旦", "DTSTART;VALUE=DATE:20260101", "END:VEVENT"), "ics", new HolidayFileOptions("CN", 2026));
        HasError(e, "line 4 (VEVENT 元旦): 2025-01-01 is outside 2026");
    }

    [Fact]
    public void Neither_format_is_refused_before_anything_else()
    {
        HasError(Bad("region,year\nCN,2026\n"), "neither a JSON object nor an iCalendar file");
        Assert.Equal("json", HolidayFile.DetectFormat("\uFEFF  {\"a\": 1}"));
        Assert.Equal("ics", HolidayFile.DetectFormat("\r\nBEGIN:VCALENDAR\r\n"));
    }
}
