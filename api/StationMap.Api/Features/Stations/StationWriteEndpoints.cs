using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.OpeningHours;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Stations;

public sealed record WriteQuery([FromQuery(Name = "crs")] CrsParameter? Crs);

/// <summary>
/// Create, replace, merge-patch and soft-delete stations. Every write runs in one transaction that
/// names the API key as the audit actor (the station_audit trigger records the field diff), and
/// PUT/PATCH/DELETE check the station's version (If-Match or body "version") → 412 when stale.
/// </summary>
public static class StationWriteEndpoints
{
    public static async Task<Results<Created<StationView>, ValidationProblem>> Create(
        [AsParameters] WriteQuery query, StationInput body, StationsDb db, ClaimsPrincipal user, TimeProvider clock, IHolidayCalendars calendars, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new Validation();
        var crs = CrsParameter.Or(query.Crs);
        body.Validate(v, now);
        if (!v.IsValid) return v.Problem();

        var station = new Station { CreatedAt = now, UpdatedAt = now };
        var (lon, lat) = CoordinateSystems.ToWgs84(crs, body.Lon!.Value, body.Lat!.Value);
        body.ApplyTo(station, lon, lat);
        db.Stations.Add(station);
        await SaveAudited(db, user, ct);
        return TypedResults.Created($"/api/v1/stations/{station.Id}", StationView.From(station, crs, OpenAt.Of(now, clock, calendars), withWeek: true));
    }

    public static async Task<Results<Ok<StationView>, ValidationProblem, ProblemHttpResult>> Replace(
        long id, [AsParameters] WriteQuery query, StationInput body, HttpContext http, StationsDb db, ClaimsPrincipal user,
        TimeProvider clock, IHolidayCalendars calendars, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new Validation();
        var crs = CrsParameter.Or(query.Crs);
        body.Validate(v, now);
        if (!v.IsValid) return v.Problem();
        var station = await db.Stations.FirstOrDefaultAsync(s => s.Id == id && s.DeletedAt == null, ct);
        if (station is null) return NotFound(id);
        if (Precondition(http, body.Version, station, required: true) is { } failed) return failed;

        var (lon, lat) = CoordinateSystems.ToWgs84(crs, body.Lon!.Value, body.Lat!.Value);
        body.ApplyTo(station, lon, lat);
        return await Commit(station, db, user, http, crs, OpenAt.Of(now, clock, calendars), ct);
    }

    public static async Task<Results<Ok<StationView>, ValidationProblem, ProblemHttpResult>> Patch(
        long id, [AsParameters] WriteQuery query, JsonObject patch, HttpContext http, StationsDb db, ClaimsPrincipal user,
        TimeProvider clock, IHolidayCalendars calendars, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new Validation();
        var crs = CrsParameter.Or(query.Crs);
        if (!v.IsValid) return v.Problem();
        var station = await db.Stations.FirstOrDefaultAsync(s => s.Id == id && s.DeletedAt == null, ct);
        if (station is null) return NotFound(id);

        // RFC 7396 JSON merge patch over the station's current writable fields.
        var document = JsonSerializer.SerializeToNode(StationInput.From(StationView.From(station, crs, OpenAt.Of(now, clock, calendars))), ApiJson.Options)!.AsObject();
        MergePatch(document, patch);
        StationInput merged;
        try { merged = document.Deserialize<StationInput>(ApiJson.Options)!; }
        catch (JsonException e) { v.Add(e.Path?.TrimStart('$', '.') is { Length: > 0 } p ? p : "body", e.Message); return v.Problem(); }
        merged.Validate(v, now);
        if (!v.IsValid) return v.Problem();
        if (Precondition(http, merged.Version, station, required: true) is { } failed) return failed;

        var keepLocation = !patch.ContainsKey("lon") && !patch.ContainsKey("lat");
        var location = station.Location;
        var (lon, lat) = CoordinateSystems.ToWgs84(crs, merged.Lon!.Value, merged.Lat!.Value);
        merged.ApplyTo(station, lon, lat);
        if (keepLocation) station.Location = location;
        return await Commit(station, db, user, http, crs, OpenAt.Of(now, clock, calendars), ct);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long id, HttpContext http, StationsDb db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var station = await db.Stations.FirstOrDefaultAsync(s => s.Id == id && s.DeletedAt == null, ct);
        if (station is null) return NotFound(id);
        if (Precondition(http, null, station, required: false) is { } failed) return failed;
        var now = clock.GetUtcNow();
        station.DeletedAt = now;
        station.UpdatedAt = now;
        station.Version++;
        try { await SaveAudited(db, user, ct); }
        catch (DbUpdateConcurrencyException) { return Stale(station.Version - 1); }
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<StationView>, ValidationProblem, ProblemHttpResult>> Commit(
        Station station, StationsDb db, ClaimsPrincipal user, HttpContext http, Crs crs, OpenAt at, CancellationToken ct)
    {
        station.UpdatedAt = at.Instant;
        station.Version++;
        try { await SaveAudited(db, user, ct); }
        catch (DbUpdateConcurrencyException) { return Stale(station.Version - 1); }
        http.Response.Headers.ETag = ETag(station.Version);
        return TypedResults.Ok(StationView.From(station, crs, at, withWeek: true)
            with
        { Live = http.RequestServices.GetRequiredService<ILiveState>().For(station.Id, at.Instant) });
    }

    /// <summary>Saves inside a transaction whose <c>stationmap.actor</c> setting names the API key for the audit trigger.</summary>
    internal static async Task SaveAudited(StationsDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT set_config('stationmap.actor', {ApiKeyAuth.Actor(user)}, true)", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public static string ETag(int version) => $"\"{version}\"";

    /// <summary>If-Match (or the body's version) must name the current version; PUT/PATCH need one of them (428).</summary>
    static ProblemHttpResult? Precondition(HttpContext http, int? bodyVersion, Station station, bool required)
    {
        var header = http.Request.Headers.IfMatch.ToString();
        int? expected = bodyVersion;
        if (header.Length > 0)
        {
            if (header.Trim() == "*") return null;
            // "3" as written after a change, or "3.<hash>" as GET sends it (version, then representation).
            if (Infrastructure.Http.EntityTags.Version(header) is not { } parsed)
                return Problems.InvalidParameter("If-Match", "must be the station's ETag, such as \"3\".");
            expected = parsed;
        }
        if (expected is null)
        {
            return required
                ? Problems.PreconditionRequiredFor()
                : null;
        }
        // The UPDATE itself also checks "WHERE version = <loaded version>" (EF concurrency token),
        // which catches a change that lands between this check and the save.
        return expected == station.Version ? null : Stale(expected.Value, station.Version);
    }

    static ProblemHttpResult Stale(int sent, int? current = null) => Problems.Stale(sent, current);

    internal static ProblemHttpResult NotFound(long id) => Problems.StationNotFound(id);

    static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null) target[key] = null;
            else if (value is JsonObject po && target[key] is JsonObject to) MergePatch(to, po);
            else target[key] = value.DeepClone();
        }
    }
}
