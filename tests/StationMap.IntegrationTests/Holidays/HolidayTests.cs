using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StationMap.Api.Features.Holidays;
using StationMap.Api.Hosting.Cli;
using StationMap.Api.Infrastructure.OpeningHours;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Holidays;

static class HolidayWait
{
    /// <summary>Waits until the API's calendar for <paramref name="region"/> satisfies <paramref name="done"/> (it follows NOTIFY in the background).</summary>
    public static async Task<IHolidayCalendar> UntilAsync(IServiceProvider services, string region, Func<IHolidayCalendar, bool> done, int seconds = 15)
    {
        var calendars = services.GetRequiredService<IHolidayCalendars>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var calendar = calendars.For(region);
            if (done(calendar)) return calendar;
            Assert.True(clock.Elapsed.TotalSeconds < seconds, $"the {region} calendar (version {calendar.Version}) did not reach the expected state within {seconds} s");
            await Task.Delay(50);
        }
    }
}

/// <summary>The calendar the migration ships (read only): China 2025–2027, through the calendar service and GET /holidays.</summary>
public sealed class HolidayCalendarTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    static readonly DateOnly SpringFestival2026 = new(2026, 2, 17);

    [Fact]
    public async Task The_migrated_calendar_has_the_2026_spring_festival_and_its_make_up_days()
    {
        var cn = await HolidayWait.UntilAsync(api.Services, "CN", c => c.Version > 0);
        Assert.Equal("春节", cn.PublicHoliday(SpringFestival2026));
        Assert.False(cn.IsMakeupWorkday(SpringFestival2026));
        Assert.True(cn.IsMakeupWorkday(new DateOnly(2026, 2, 14)));
        Assert.Null(cn.PublicHoliday(new DateOnly(2026, 2, 14)));
        Assert.True(cn.IsMakeupWorkday(new DateOnly(2026, 2, 28)));
        Assert.Null(cn.PublicHoliday(new DateOnly(2026, 2, 24)));       // the first working day after 9 days off
        Assert.Equal("国庆节、中秋节", cn.PublicHoliday(new DateOnly(2025, 10, 6)));
        Assert.True(cn.IsMakeupWorkday(new DateOnly(2025, 9, 28)));
        Assert.Equal("春节", cn.PublicHoliday(new DateOnly(2027, 2, 5)));  // 除夕 2027, statutory
        Assert.Null(cn.PublicHoliday(new DateOnly(2027, 2, 9)));         // bridging days wait for the notice
        Assert.Null(cn.SchoolHoliday(SpringFestival2026));
        // A subdivision without days of its own has the national calendar; an unknown region none.
        Assert.Equal("春节", api.Services.GetRequiredService<IHolidayCalendars>().For("CN-ZJ").PublicHoliday(SpringFestival2026));
        Assert.Null(api.Services.GetRequiredService<IHolidayCalendars>().For("JP").PublicHoliday(SpringFestival2026));

        // The days per year as the notices count them: 2025 has 28 days off and 5 make-up days, 2026 33 and 6, 2027 the 13 statutory days.
        Assert.Equal("2025:holiday:28,2025:makeup_workday:5,2026:holiday:33,2026:makeup_workday:6,2027:holiday:13", await api.ScalarAsync<string>(
            "SELECT string_agg(year || ':' || kind || ':' || n, ',' ORDER BY year, kind) FROM (SELECT year, kind, count(*) n FROM public_holiday WHERE region = 'CN' GROUP BY 1, 2) c"));
    }

    [Fact]
    public async Task Stations_read_the_shipped_calendar_PH_off_closes_spring_festival_and_a_make_up_saturday_works_as_monday()
    {
        await HolidayWait.UntilAsync(api.Services, "CN", c => c.Version > 0);
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        async Task<long> Create(string name, string hours) => (long)(await editor.PostAsJsonAsync("/api/v1/stations",
            new { name, lon = 120.1551, lat = 30.2741, tier = "standard", opening_hours = hours, time_zone = "Asia/Shanghai" }).Json(201))["id"]!;
        var everyDay = await Create("春节测试驿站", "Mo-Su 08:00-20:00; PH off");
        var workdays = await Create("调休测试驿站", "Mo-Fr 08:00-18:00");

        var festival = await api.Client().GetAsync($"/api/v1/stations/{everyDay}?at=2026-02-17T12:00:00%2B08:00").Json(200);
        Assert.Equal("closed", (string?)festival["open_state"]!["state"]);
        Assert.Equal("春节", (string?)festival["open_state"]!["comment"]);
        Assert.Equal("2026-02-24T08:00:00+08:00", (string?)festival["open_state"]!["next_change"]); // the first day after the holiday
        Assert.Equal("public_holiday", (string?)festival["hours_week"]![0]!["holiday"]!["kind"]);
        var ordinary = await api.Client().GetAsync($"/api/v1/stations/{everyDay}?at=2026-02-24T12:00:00%2B08:00").Json(200);
        Assert.Equal("open", (string?)ordinary["open_state"]!["state"]);

        // 2026-02-14 is a Saturday the notice makes a working day: weekday rules see a Monday.
        var makeUp = await api.Client().GetAsync($"/api/v1/stations/{workdays}?at=2026-02-14T12:00:00%2B08:00").Json(200);
        Assert.Equal("open", (string?)makeUp["open_state"]!["state"]);
        Assert.Equal("makeup_workday", (string?)makeUp["hours_week"]![0]!["holiday"]!["kind"]);
        var saturday = await api.Client().GetAsync($"/api/v1/stations/{workdays}?at=2026-02-07T12:00:00%2B08:00").Json(200);
        Assert.Equal("closed", (string?)saturday["open_state"]!["state"]);
    }

    [Fact]
    public async Task The_table_refuses_a_weekday_make_up_day_a_date_both_off_and_worked_and_a_day_outside_its_year()
    {
        async Task<string> Refused(string sql)
        {
            await using var conn = await api.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            return (await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync())).SqlState;
        }
        // 2026-02-16 is a Monday; 2026-02-14 is already a make-up day; 2028-03-01 is not within 2026's reach.
        Assert.Equal(PostgresErrorCodes.CheckViolation, await Refused(
            "INSERT INTO public_holiday (region, year, date, kind, name) VALUES ('CN', 2026, '2026-02-16', 'makeup_workday', 'x')"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, await Refused(
            "INSERT INTO public_holiday (region, year, date, kind, name) VALUES ('CN', 2026, '2026-02-14', 'holiday', 'x')"));
        Assert.Equal(PostgresErrorCodes.CheckViolation, await Refused(
            "INSERT INTO public_holiday (region, year, date, kind, name) VALUES ('CN', 2026, '2028-03-01', 'holiday', 'x')"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, await Refused(
            "INSERT INTO public_holiday (region, year, date, kind, name) VALUES ('CN', 2030, '2030-01-01', 'holiday', '元旦')"));
    }

    [Fact]
    public async Task Get_holidays_lists_a_year_with_names_kinds_and_the_notice()
    {
        var client = api.Client();
        var response = await client.GetAsync("/api/v1/holidays?region=CN&year=2026");
        var body = await response.Json(200);
        Assert.Equal("CN", (string?)body["region"]);
        var year = body["years"]!.AsArray().Single()!;
        Assert.Equal(2026, (int)year["year"]!);
        Assert.Equal("notice", (string?)year["basis"]);
        Assert.Contains("国办发明电〔2025〕7号", (string?)year["source"]);
        Assert.Contains("https://www.gov.cn/", (string?)year["source"]);
        var days = year["days"]!.AsArray();
        Assert.Equal(39, days.Count);
        Assert.Contains(days, d => (string?)d!["date"] == "2026-02-17" && (string?)d["kind"] == "holiday" && (string?)d["name"] == "春节"
                                   && ((string?)d["source"])!.Contains("2026年部分节假日安排"));
        Assert.Contains(days, d => (string?)d!["date"] == "2026-02-14" && (string?)d["kind"] == "makeup_workday");

        // A public read: a strong ETag, revalidated with 304.
        Assert.NotNull(response.Headers.ETag);
        Assert.Contains("public", response.Headers.CacheControl?.ToString());
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/holidays?region=CN&year=2026");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);

        var all = await client.GetAsync("/api/v1/holidays").Json(200);
        Assert.Equal([2025, 2026, 2027], all["years"]!.AsArray().Select(y => (int)y!["year"]!));
        Assert.Equal("statutory", (string?)all["years"]![2]!["basis"]);
        Assert.Contains("import-holidays", (string?)all["years"]![2]!["note"]);
    }

    [Fact]
    public async Task Bad_holiday_queries_are_400s_naming_the_parameter_and_an_unloaded_year_is_404()
    {
        var client = api.Client();
        await client.GetAsync("/api/v1/holidays?region=CN&year=abc").Problem(400, "year");
        await client.GetAsync("/api/v1/holidays?year=1900").Problem(400, "year");
        await client.GetAsync("/api/v1/holidays?region=china").Problem(400, "region");
        await client.GetAsync("/api/v1/holidays?regoin=CN").Problem(400, "regoin");
        var missing = await client.GetAsync("/api/v1/holidays?region=CN&year=2030").Problem(404);
        Assert.Equal("/problems/unknown-holiday-year", (string?)missing["type"]);
        Assert.Empty((await client.GetAsync("/api/v1/holidays?region=JP").Json(200))["years"]!.AsArray());
    }

    [Fact]
    public async Task The_holiday_endpoints_are_in_the_openapi_document()
    {
        var doc = await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200);
        var get = doc["paths"]!["/api/v1/holidays"]!["get"]!;
        Assert.Equal("ListHolidays", (string?)get["operationId"]);
        Assert.NotNull(get["description"]);
        Assert.Equal("#/components/schemas/HolidayList", (string?)get["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        var put = doc["paths"]!["/api/v1/holidays/{region}/{year}"]!["put"]!;
        Assert.NotNull(put["responses"]!["401"]);
        Assert.NotNull(put["responses"]!["403"]);
        Assert.NotNull(put["security"]);
        var content = put["requestBody"]!["content"]!.AsObject();
        Assert.Equal("#/components/schemas/HolidayYearDocument", (string?)content["application/json"]!["schema"]!["$ref"]);
        Assert.Equal("string", (string?)content["text/calendar"]!["schema"]!["type"]);
    }
}

/// <summary>Loading a year: the CLI verb (as the owner role, like the other imports) and the admin endpoint; the calendar follows by NOTIFY.</summary>
public sealed class HolidayImportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    // Test fixtures, not real announcements: the 2027 notice is not loaded by the project until it is published.
    const string Fixture2027 = """
        {
          "region": "CN",
          "year": 2027,
          "source": "test fixture (not a real notice)",
          "holidays": [
            {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
            {"name": "春节", "from": "2027-02-05", "to": "2027-02-12"}
          ],
          "makeup_workdays": [{"date": "2027-02-20", "name": "春节补班"}]
        }
        """;

    Task<int> Cli(params string[] args) => CliCommands.RunAsync(args, PostgisDatabase.OwnerConnectionString(api.Database));

    static async Task<string> TempFile(string text, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"holidays-{Guid.NewGuid():N}{extension}");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    [Fact]
    public async Task Import_holidays_replaces_the_year_and_every_calendar_follows_by_notify()
    {
        var before = (await HolidayWait.UntilAsync(api.Services, "CN", c => c.Version > 0)).Version;
        var file = await TempFile(Fixture2027, ".json");
        try
        {
            Assert.Equal(0, await Cli("import-holidays", file));
        }
        finally { File.Delete(file); }

        // The CLI is another process as far as the API is concerned: only the notification tells it.
        var cn = await HolidayWait.UntilAsync(api.Services, "CN", c => c.PublicHoliday(new DateOnly(2027, 2, 12)) == "春节");
        Assert.True(cn.Version > before);
        Assert.True(cn.IsMakeupWorkday(new DateOnly(2027, 2, 20)));
        Assert.Equal("元旦", cn.PublicHoliday(new DateOnly(2027, 1, 3)));
        // The statutory-only days that the file does not name are gone: the year was replaced, not merged.
        Assert.Null(cn.PublicHoliday(new DateOnly(2027, 10, 1)));
        Assert.Equal("notice", await api.ScalarAsync<string>("SELECT basis FROM holiday_year WHERE region = 'CN' AND year = 2027"));
        Assert.Equal(12L, await api.ScalarAsync<long>("SELECT count(*) FROM public_holiday WHERE region = 'CN' AND year = 2027"));
        // Other years are untouched.
        Assert.Equal("春节", cn.PublicHoliday(new DateOnly(2026, 2, 17)));
    }

    [Fact]
    public async Task A_bad_file_fails_naming_the_line_and_writes_nothing()
    {
        var count = await api.ScalarAsync<long>("SELECT count(*) FROM public_holiday");
        var ics = await TempFile("BEGIN:VCALENDAR\r\nX-WR-CALDESC:test\r\nBEGIN:VEVENT\r\nSUMMARY:春节\r\nDTSTART:20260215T080000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", ".ics");
        var json = await TempFile("""{"region": "CN", "year": 2026, "source": "s", "makeup_workdays": [{"date": "2026-02-16"}]}""", ".json");
        var error = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Assert.Equal(1, await Cli("import-holidays", ics));
            Assert.Equal(1, await Cli("import-holidays", json));
            Assert.Equal(1, await Cli("import-holidays", json, "--region", "CN-ZJ"));
            Assert.Equal(1, await Cli("import-holidays"));
        }
        finally
        {
            Console.SetError(error);
            File.Delete(ics);
            File.Delete(json);
        }
        var text = captured.ToString();
        Assert.Contains("line 5: DTSTART '20260215T080000' must be an all-day date", text);
        Assert.Contains("makeup_workdays[0]: 2026-02-16 is a Monday", text);
        Assert.Contains("region: the file is for region CN, not CN-ZJ", text);
        Assert.Contains("usage: import-holidays", text);
        Assert.Equal(count, await api.ScalarAsync<long>("SELECT count(*) FROM public_holiday"));
    }

    [Fact]
    public async Task An_ics_feed_loads_a_subdivision_whose_calendar_adds_to_the_countrys()
    {
        var ics = await TempFile(string.Join("\r\n",
            "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "SUMMARY:寒假", "CATEGORIES:SCHOOL_HOLIDAY",
            "DTSTART;VALUE=DATE:20260201", "DTEND;VALUE=DATE:20260301", "END:VEVENT", "END:VCALENDAR", ""), ".ics");
        try
        {
            Assert.Equal(0, await Cli("import-holidays", ics, "--region", "CN-ZJ", "--source", "test fixture: a province's school calendar"));
        }
        finally { File.Delete(ics); }
        var zj = await HolidayWait.UntilAsync(api.Services, "CN-ZJ", c => c.SchoolHoliday(new DateOnly(2026, 2, 10)) == "寒假");
        Assert.Equal("春节", zj.PublicHoliday(new DateOnly(2026, 2, 17)));
        Assert.True(zj.IsMakeupWorkday(new DateOnly(2026, 2, 14)));
        Assert.Null(api.Services.GetRequiredService<IHolidayCalendars>().For("CN").SchoolHoliday(new DateOnly(2026, 2, 10)));
    }

    [Fact]
    public async Task A_change_made_in_sql_reaches_the_calendar_with_a_new_version()
    {
        var before = await HolidayWait.UntilAsync(api.Services, "CN", c => c.Version > 0);
        Assert.Equal("清明节", before.PublicHoliday(new DateOnly(2025, 4, 4)));
        await using (var conn = await api.OpenAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE public_holiday SET name = '清明' WHERE region = 'CN' AND year = 2025 AND name = '清明节'", conn))
            Assert.Equal(3, await cmd.ExecuteNonQueryAsync());
        var after = await HolidayWait.UntilAsync(api.Services, "CN", c => c.PublicHoliday(new DateOnly(2025, 4, 4)) == "清明");
        Assert.True(after.Version > before.Version);
        // The calendar an evaluation already holds does not change under it.
        Assert.Equal("清明节", before.PublicHoliday(new DateOnly(2025, 4, 4)));
    }

    static StringContent Body(string text, string type) => new(text, Encoding.UTF8, type);

    [Fact]
    public async Task Put_holidays_needs_an_admin_key_refuses_bad_bodies_and_answers_what_was_stored()
    {
        const string url = "/api/v1/holidays/CN-SH/2026";
        const string good = """{"source": "test fixture (not a real calendar)", "school_holidays": [{"name": "暑假", "from": "2026-07-04", "to": "2026-08-31"}]}""";
        await api.Client().PutAsync(url, Body(good, "application/json")).Problem(401);
        await api.Client(await api.CreateKeyAsync("editor")).PutAsync(url, Body(good, "application/json")).Problem(403);

        var admin = api.Client(await api.CreateKeyAsync("admin"));
        await admin.PutAsync(url, Body("{\"source\": ", "application/json")).Problem(400, "body");
        var wrongYear = await admin.PutAsync(url, Body("""{"year": 2025, "source": "s", "holidays": [{"name": "x", "date": "2026-05-01"}]}""", "application/json")).Problem(400, "body");
        Assert.Contains("year: the file is for 2025, not 2026", (string?)wrongYear["detail"]);
        var badIcs = await admin.PutAsync(url, Body("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:20260230\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "text/calendar")).Problem(400, "body");
        Assert.Contains("line 4: DTSTART '20260230' is not a date", (string?)badIcs["detail"]);
        await admin.PutAsync("/api/v1/holidays/shanghai/2026", Body(good, "application/json")).Problem(400, "region");
        await admin.PutAsync("/api/v1/holidays/CN-SH/26", Body(good, "application/json")).Problem(400, "year");
        await admin.PutAsync(url + "?source=", Body(good, "application/json")).Problem(400, "source");
        await admin.PutAsync(url, Body("date,name\n", "text/csv")).Problem(415);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM holiday_year WHERE region = 'CN-SH'"));

        var stored = await admin.PutAsync(url, Body(good, "application/json")).Json(200);
        Assert.Equal(2026, (int)stored["year"]!);
        Assert.Equal(59, stored["days"]!.AsArray().Count);
        Assert.All(stored["days"]!.AsArray(), d => Assert.Equal("school_holiday", (string?)d!["kind"]));
        // This instance answers with the new calendar as soon as the PUT has answered.
        Assert.Equal("暑假", api.Services.GetRequiredService<IHolidayCalendars>().For("CN-SH").SchoolHoliday(new DateOnly(2026, 8, 1)));

        // An iCalendar body replaces it, with the source from the query.
        var ics = string.Join("\r\n", "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "SUMMARY:暑假", "CATEGORIES:school_holiday",
            "DTSTART;VALUE=DATE:20260711", "DTEND;VALUE=DATE:20260901", "END:VEVENT", "END:VCALENDAR", "");
        var replaced = await admin.PutAsync(url + "?source=test%20fixture%20ics", Body(ics, "text/calendar")).Json(200);
        Assert.Equal("test fixture ics", (string?)replaced["source"]);
        var read = await api.Client().GetAsync(url.Replace("/CN-SH/2026", "?region=CN-SH&year=2026")).Json(200);
        var days = read["years"]![0]!["days"]!.AsArray();
        Assert.Equal("2026-07-11", (string?)days[0]!["date"]);
        Assert.Equal(52, days.Count);
        Assert.Equal("test fixture ics", (string?)days[0]!["source"]);
    }
}

/// <summary>The calendar service started while its database cannot be reached: no holidays, no crash, and the calendar once it can.</summary>
public sealed class HolidayCalendarOutageTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_calendar_service_retries_until_the_database_lets_it_in()
    {
        // A login role that does not exist yet: every connection fails until the test creates it.
        var role = $"sm_hol_{Guid.NewGuid():N}"[..20];
        const string password = "late-role-password";
        var cs = new NpgsqlConnectionStringBuilder(api.ConnectionString) { Username = role, Password = password, Pooling = false }.ConnectionString;
        await using var data = NpgsqlDataSource.Create(cs);
        var notifications = new StationMap.Api.Infrastructure.Instances.PgNotifications(data,
            NullLogger<StationMap.Api.Infrastructure.Instances.PgNotifications>.Instance);
        var calendars = new StoredHolidayCalendars(data, notifications, NullLogger<StoredHolidayCalendars>.Instance);
        await notifications.StartAsync(CancellationToken.None);
        await calendars.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(1500);
            Assert.Equal(0, calendars.Version);
            Assert.Null(calendars.For("CN").PublicHoliday(new DateOnly(2026, 2, 17)));
            Assert.False(calendars.ExecuteTask!.IsCompleted);

            await using (var conn = await api.OpenAsync())
            await using (var create = new NpgsqlCommand(
                $"CREATE ROLE {role} LOGIN PASSWORD '{password}'; GRANT USAGE ON SCHEMA stationmap TO {role}; GRANT SELECT ON public_holiday TO {role}; " +
                $"ALTER ROLE {role} SET search_path TO stationmap, public", conn))
                await create.ExecuteNonQueryAsync();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (calendars.Version == 0 && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
            Assert.True(calendars.Version > 0, "the calendar service did not load once the role existed");
            Assert.Equal("春节", calendars.For("CN").PublicHoliday(new DateOnly(2026, 2, 17)));
        }
        finally
        {
            await calendars.StopAsync(CancellationToken.None);
            await notifications.StopAsync(CancellationToken.None);
            NpgsqlConnection.ClearAllPools();
            await using var conn = await api.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP OWNED BY {role}; DROP ROLE IF EXISTS {role}", conn);
            try { await drop.ExecuteNonQueryAsync(); } catch (PostgresException) { }
        }
    }
}
