using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Stations;

public sealed record GetQuery([FromQuery(Name = "crs")] CrsParameter? Crs, [FromQuery(Name = "at")] InstantParameter? At);

public static class StationsEndpoints
{
    public static RouteGroupBuilder MapStations(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/stations").WithTags("Stations");

        group.MapGet("/nearest", NearestEndpoint.Handle)
            .WithName("NearestStations")
            .WithSummary("Nearest stations to a point, by distance, with open-now state")
            .WithDescription("KNN on the station GiST index, ranked by ellipsoidal distance (distance_m, metres). " +
                             "amenities is all-of (unknown does not count as yes); tier is any-of; openNow keeps stations open " +
                             "at the instant at (ISO 8601 with offset, default now) " +
                             "in their own time zone; service is any-of free_clinic, haircut, legal_advice, counselling, classes, summer_drinks, with " +
                             "service_when = now (on at that instant) | today (has hours on the station's local day) | any (default); maxDistance in metres (≤ 100000); limit ≤ 100 (default 10); crs = wgs84 | gcj02 | bd09 for input and output. " +
                             "by=time ranks by travel time over the road network for mode = walk | ebike (default) | car, adding travel_seconds " +
                             "(stations beyond an hour are left out); 422 when the point is more than 500 m from a usable road, 503 without a road graph.")
            .Produces<NearestResponse>(200).ProducesValidationProblem().ProducesProblem(422).ProducesProblem(503);

        group.MapGet("/", ListEndpoint.Handle)
            .WithName("ListStations").ReadsMayLag()
            .WithSummary("Stations in a bbox or radius, by text, paged; JSON, GeoJSON or CSV; change feed with updated_since")
            .WithDescription("bbox=minLon,minLat,maxLon,maxLat or lon&lat&radius (metres, ≤ 50000); q searches name, English name, address, district; " +
                             "page (from 1) and limit (≤ 1000, default 50) with has_more; format=json|geojson|csv; updated_since (ISO 8601) returns changes " +
                             "in (updated_at, id) order including deleted stations (deleted_at set); at (ISO 8601 with offset) evaluates open_state and services " +
                             "at that instant instead of now; service (any-of kinds) and service_when (now | today | any) filter by services on a schedule.")
            .ProducesValidationProblem();

        group.MapGet("/{id:long}", Get)
            .WithName("GetStation").WithSummary("One station with seven days of opening hours from the day of at (default today)")
            .WithDescription("open_state, services and hours_week are evaluated at at (ISO 8601 with offset, default now) in the station's own time zone; " +
                             "hours_week starts on the station's local day of that instant, each day with its holiday (public_holiday, school_holiday, makeup_workday) or null.")
            .ProducesProblem(404);

        group.MapPost("/", StationWriteEndpoints.Create)
            .RequireAuthorization(ApiKeyAuth.Editor)
            .WithName("CreateStation").WithSummary("Create a station (editor key)")
            .ProducesProblem(401).ProducesProblem(403);

        group.MapPut("/{id:long}", StationWriteEndpoints.Replace)
            .RequireAuthorization(ApiKeyAuth.Editor)
            .WithName("ReplaceStation").WithSummary("Replace a station (editor key; If-Match required)")
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(412).ProducesProblem(428);

        group.MapPatch("/{id:long}", StationWriteEndpoints.Patch)
            .RequireAuthorization(ApiKeyAuth.Editor)
            .Accepts<StationInput>("application/merge-patch+json", "application/json")
            .WithName("PatchStation").WithSummary("Change some fields of a station (JSON merge patch; editor key; If-Match required)")
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(412).ProducesProblem(428);

        group.MapDelete("/{id:long}", StationWriteEndpoints.Delete)
            .RequireAuthorization(ApiKeyAuth.Admin)
            .WithName("DeleteStation").WithSummary("Delete a station (admin key; soft delete, reported by the change feed)")
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(412);

        group.MapPost("/import", ImportEndpoint.Handle)
            .RequireAuthorization(ApiKeyAuth.Admin)
            .WithBodyLimit(ImportEndpoint.MaxBodyBytes)
            .Accepts<string>("text/csv", GeoJson.ContentType, "application/json")
            .WithName("ImportStations")
            .WithSummary("Bulk import stations from CSV or GeoJSON (admin key) with a per-row error report")
            .WithDescription("format=csv|geojson (default from Content-Type); atomic=true (default) writes nothing when any row is invalid; " +
                             "atomic=false writes the valid rows and reports the others. CSV columns are those of format=csv exports.")
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(413);

        group.MapReachable();
        return api;
    }

    static async Task<Results<Ok<StationView>, ProblemHttpResult, ValidationProblem>> Get(
        long id, [AsParameters] GetQuery query, HttpContext http, StationsDb db, TimeProvider clock,
        Infrastructure.OpeningHours.IHolidayCalendars calendars, CancellationToken ct)
    {
        var crs = CrsParameter.Or(query.Crs);
        var station = await db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.DeletedAt == null, ct);
        if (station is null)
            return Problems.StationNotFound(id);
        http.Response.Headers.ETag = StationWriteEndpoints.ETag(station.Version);
        return TypedResults.Ok(StationView.From(station, crs, OpenAt.Of(InstantParameter.Or(query.At), clock, calendars), withWeek: true)
            with
        { Live = http.RequestServices.GetRequiredService<ILiveState>().For(station.Id, clock.GetUtcNow()) });
    }
}
