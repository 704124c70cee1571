using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Holidays;

public sealed record HolidayQuery([FromQuery(Name = "region")] string? Region, [FromQuery(Name = "year")] string? Year);

public sealed record HolidayUploadQuery([FromQuery(Name = "source")] string? Source);

/// <summary>A day of a holiday calendar.</summary>
/// <param name="Date">Local date (YYYY-MM-DD).</param>
/// <param name="Kind">holiday (PH), makeup_workday (a weekend day worked: 调休上班) or school_holiday (SH).</param>
/// <param name="Name">The holiday's name (春节, 国庆节) or the make-up day's (春节补班).</param>
/// <param name="Source">The announcement the day comes from (the year's source).</param>
public sealed record HolidayDayView(DateOnly Date, string Kind, string Name, string Source);

/// <summary>One loaded year of a region.</summary>
/// <param name="Year">The year the announcement is for; its days may reach into the December before or the January after.</param>
/// <param name="Basis">notice (the published arrangement, bridging and make-up days included) or statutory (only the days the law fixes, until the year's notice is loaded).</param>
/// <param name="Source">Title, document number and URL of the announcement.</param>
/// <param name="Note">Remark stored with the year, if any.</param>
/// <param name="LoadedAt">When the year was last loaded.</param>
/// <param name="Days">Every day, in date order.</param>
public sealed record HolidayYearView(int Year, string Basis, string Source, string? Note, DateTimeOffset LoadedAt, IReadOnlyList<HolidayDayView> Days)
{
    public static HolidayYearView From(StoredHolidayYear y) =>
        new(y.Year, y.Basis, y.Source, y.Note, y.LoadedAt, y.Days.Select(d => new HolidayDayView(d.Date, d.Kind, d.Name, y.Source)).ToList());
}

/// <summary>A region's loaded years.</summary>
/// <param name="Region">ISO 3166-1 alpha-2, optionally with a subdivision (CN, CN-ZJ).</param>
/// <param name="Years">The loaded years in order (only the asked one with year=).</param>
public sealed record HolidayList(string Region, IReadOnlyList<HolidayYearView> Years);

/// <summary>
/// The JSON body of <c>PUT /api/v1/holidays/{region}/{year}</c> and of <c>./stationmap import-holidays</c> (documentation
/// only: <see cref="HolidayFile"/> reads the body itself, strictly).
/// </summary>
/// <param name="Region">Optional here (the path names it); when present it must equal the path's.</param>
/// <param name="Year">Optional here (the path names it); when present it must equal the path's.</param>
/// <param name="Basis">notice (default) or statutory.</param>
/// <param name="Source">Required: the announcement's title, document number and URL.</param>
/// <param name="Note">Optional remark.</param>
/// <param name="Holidays">Public holidays: {"name", "date"} or {"name", "from", "to"} (inclusive), bridging days included.</param>
/// <param name="MakeupWorkdays">Make-up working days: {"date", "name"?}, each a Saturday or Sunday.</param>
/// <param name="SchoolHolidays">School holidays, as holidays.</param>
public sealed record HolidayYearDocument(string? Region, int? Year, string? Basis, string Source, string? Note,
    IReadOnlyList<HolidayRangeDocument>? Holidays, IReadOnlyList<HolidayRangeDocument>? MakeupWorkdays, IReadOnlyList<HolidayRangeDocument>? SchoolHolidays);

/// <summary>One entry: a name and either one date or an inclusive range.</summary>
/// <param name="Name">The day's name (required for holidays; make-up days default to 调休上班).</param>
/// <param name="Date">One day (YYYY-MM-DD); not with from/to.</param>
/// <param name="From">First day of a range (YYYY-MM-DD).</param>
/// <param name="To">Last day of a range, included (YYYY-MM-DD).</param>
public sealed record HolidayRangeDocument(string? Name, DateOnly? Date, DateOnly? From, DateOnly? To);

/// <summary>
/// Holiday calendars: read by anyone, a year replaced with an admin key. The opening-hours evaluator
/// reads them through <see cref="Infrastructure.OpeningHours.IHolidayCalendars"/>, which follows every change.
/// </summary>
public static class HolidayEndpoints
{
    public const long MaxBodyBytes = 1024 * 1024;
    public const string Calendar = "text/calendar";

    public static RouteGroupBuilder MapHolidays(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/holidays").WithTags("Holidays");
        group.MapGet("/", List)
            .WithName("ListHolidays")
            .WithSummary("The loaded public holidays, make-up working days and school holidays of a region, with their sources")
            .WithDescription("region = CN (default) or a subdivision such as CN-ZJ; year = one year (404 when it is not loaded), " +
                             "absent = every loaded year. Each year says its source (the State Council notice for CN) and basis: " +
                             "notice, or statutory when only the legally fixed days are known because the year's notice is not yet published. " +
                             "PH in opening_hours matches kind holiday; on a makeup_workday weekday rules see a Monday.")
            .Produces<HolidayList>(200).ProducesValidationProblem().ProducesProblem(404);
        group.MapPut("/{region}/{year}", Replace)
            .RequireAuthorization(ApiKeyAuth.Admin)
            .WithBodyLimit(MaxBodyBytes)
            .Accepts<HolidayYearDocument>("application/json", Calendar)
            .WithName("ReplaceHolidayYear")
            .WithSummary("Load a region's year of holidays from JSON or iCalendar (admin key), replacing that year")
            .WithDescription("Content-Type application/json (the HolidayYearDocument format) or text/calendar (RFC 5545 all-day VEVENTs; " +
                             "a SUMMARY containing 班 or CATEGORIES makeup_workday marks a make-up working day). The year is replaced in one " +
                             "transaction and every API instance reloads its calendar. 400 names the line or field of every problem and writes nothing. " +
                             "Answers the year as stored.")
            .Produces<HolidayYearView>(200).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(413).ProducesProblem(415);
        return api;
    }

    static async Task<Results<Ok<HolidayList>, ProblemHttpResult, ValidationProblem>> List(
        [AsParameters] HolidayQuery query, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var region = query.Region ?? "CN";
        if (!HolidayFile.RegionPattern().IsMatch(region)) v.Add("region", $"region: {HolidayFile.RegionRule}.");
        var year = Year(query.Year, v);
        if (!v.IsValid) return v.Problem();
        var years = await HolidayStore.YearsAsync(data, region, year, ct);
        if (year is not null && years.Count == 0)
            return Problems.Of(Problems.HolidayYearNotFoundKind, $"No holidays are loaded for {region} {year} (load them with ./stationmap import-holidays or PUT /api/v1/holidays/{region}/{year}).");
        return TypedResults.Ok(new HolidayList(region, years.Select(HolidayYearView.From).ToList()));
    }

    static async Task<Results<Ok<HolidayYearView>, ValidationProblem>> Replace(
        string region, string year, [AsParameters] HolidayUploadQuery query, HttpRequest request,
        NpgsqlDataSource data, StoredHolidayCalendars calendars, CancellationToken ct)
    {
        var v = new Validation();
        if (!HolidayFile.RegionPattern().IsMatch(region)) v.Add("region", $"region: {HolidayFile.RegionRule}.");
        var y = Year(year, v);
        if (query.Source is { } s && (string.IsNullOrWhiteSpace(s) || s.Length > HolidayFile.MaxSourceLength))
            v.Add("source", $"source must be 1–{HolidayFile.MaxSourceLength} characters.");
        if (!v.IsValid) return v.Problem();

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        var format = request.ContentType?.StartsWith(Calendar, StringComparison.OrdinalIgnoreCase) == true ? "ics" : "json";
        try
        {
            var parsed = HolidayFile.Read(text, format, new HolidayFileOptions(region, y, query.Source));
            await using var conn = await data.OpenConnectionAsync(ct);
            var stored = await HolidayStore.ReplaceYearAsync(conn, parsed, ct);
            // This instance answers with the new calendar from now on; the others follow the NOTIFY.
            await calendars.ReloadAsync(ct);
            return TypedResults.Ok(HolidayYearView.From(stored));
        }
        catch (HolidayFormatException e)
        {
            foreach (var error in e.Errors) v.Add("body", $"body: {error}");
            return v.Problem();
        }
    }

    static int? Year(string? text, Validation v)
    {
        if (text is null) return null;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100)
            return year;
        v.Add("year", "year must be a whole number between 2000 and 2100.");
        return null;
    }
}
