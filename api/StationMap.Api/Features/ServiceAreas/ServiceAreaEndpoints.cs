using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Instances;
using StationMap.Api.Infrastructure.Parameters;
using StationMap.Routing;

namespace StationMap.Api.Features.ServiceAreas;

public sealed record ServiceAreaQuery(
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] Bands? Minutes,
    [FromQuery(Name = "crs")] CrsParameter? Crs);

public sealed record ServiceAreasQuery(
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] Bands? Minutes,
    [FromQuery(Name = "bbox")] Bbox? Bbox,
    [FromQuery(Name = "crs")] CrsParameter? Crs);

/// <summary>Properties of one stored service-area band; computed_at only on a single station's answer.</summary>
/// <summary>The top-level members of a service-area FeatureCollection.</summary>
/// <param name="State">ready, or pending while the background job computes the bands (features then empty).</param>
/// <param name="Stale">true when some stored bands predate the station's last move or the graph.</param>
/// <param name="GraphVersion">Version of the road graph of the region answering (the station's, or the bbox centre's), or null when none is loaded.</param>
/// <param name="Attribution">Attribution the road data requires (OpenStreetMap), or null for demo data.</param>
public sealed record ServiceAreaMembers(string State, bool Stale, long? GraphVersion, string? Attribution);

public sealed record ServiceAreaBand(long StationId, string Mode, int Minutes, double AreaKm2, long GraphVersion)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? ComputedAt { get; init; }
}

/// <summary>The service-area job: how far it is on the loaded regions' graphs, who runs it, what it computed.</summary>
/// <param name="GraphVersion">The default region's graph version, or null when none is loaded (Regions: every loaded region's).</param>
/// <param name="Stations">Stations that need a set (live, not permanently closed).</param>
/// <param name="UpToDate">Of those, the ones whose set is current.</param>
/// <param name="Stale">Stations minus UpToDate.</param>
/// <param name="OutsideNetwork">Stations beyond the snap limit from any usable road.</param>
/// <param name="Running">A pass is running in the answering instance.</param>
/// <param name="LastPassComputed">Stations the answering instance's last pass computed.</param>
/// <param name="LastPassSeconds">How long that pass took (s).</param>
/// <param name="LastPassAt">When it ended.</param>
/// <param name="LastError">The last pass's error, if it failed.</param>
/// <param name="Instance">The API instance that answered.</param>
/// <param name="Leader">The instance that runs the job (holds its advisory lock), or null when none does (or the database is away).</param>
/// <param name="LeadsHere">true when the answering instance runs the job; Running and the LastPass fields are this instance's.</param>
/// <param name="ComputationsLastHour">Stations computed in the last hour, per instance (from service_area_computation, every instance's).</param>
/// <param name="Recent">The newest logged computations (of station_id when given), newest first, at most 50.</param>
public sealed record ServiceAreaStatus(long? GraphVersion, int Stations, int UpToDate, int Stale, int OutsideNetwork,
    bool Running, int LastPassComputed, double LastPassSeconds, DateTimeOffset? LastPassAt, string? LastError,
    string Instance, string? Leader, bool LeadsHere, IReadOnlyDictionary<string, long> ComputationsLastHour,
    IReadOnlyList<ServiceAreaComputation> Recent)
{
    public IReadOnlyList<RegionVersion> Regions { get; init; } = [];
}

/// <summary>A loaded region and its graph version.</summary>
public sealed record RegionVersion(string Region, long GraphVersion);

/// <summary>Precomputed service areas ("15-minute service circles") of stations, read from PostGIS.</summary>
public static class ServiceAreaEndpoints
{
    public static RouteGroupBuilder MapServiceAreas(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Service areas");
        group.MapGet("/stations/{id:long}/service-area", ForStation)
           .WithName("StationServiceArea")
            .WithSummary("A station's precomputed service area: where a worker can reach it from within 5/10/15 minutes")
            .WithDescription("mode = walk | ebike (default); minutes ⊆ 5,10,15 (default all). state = ready, or pending (empty, Retry-After) " +
                             "while the background job has not computed this station yet; stale = true when computed on an older graph. " +
                             "404 unknown station; 422 station beyond the road network; 503 no road graph.")
            .ProducesValidationProblem()
            .ProducesProblem(404).ProducesProblem(422).ProducesProblem(503);
        group.MapGet("/service-areas", InBbox)
           .WithName("ServiceAreas")
            .WithSummary("Every open station's service-area band in a bbox (the planner's coverage layer)")
            .WithDescription("bbox=minLon,minLat,maxLon,maxLat (required); mode = walk | ebike (default); minutes = one of 5, 10, 15 (default 15).")
            .ProducesValidationProblem().ProducesProblem(503);
        group.MapGet("/service-areas/status", Status)
           .WithName("ServiceAreaStatus")
            .WithSummary("Progress of the background service-area computation, which instance runs it, and its recent computations")
            .WithDescription("station_id (optional) limits recent to that station's computations: one change of a station gives one " +
                             "computation, by the leader, however many API instances run.")
            .Produces<ServiceAreaStatus>(200).ProducesValidationProblem();
        return api;
    }

    /// <summary>The stored bands: minutes among 5, 10 and 15; walk and e-bike only (the job computes no car areas).</summary>
    static (TravelMode Mode, IReadOnlyList<int> Minutes) Check(TravelModeParameter? mode, Bands? bands, Validation v, bool single)
    {
        var m = mode?.Value ?? TravelMode.Ebike;
        if (m == TravelMode.Car) v.Add("mode", "mode must be walk or ebike for service areas.");
        var minutes = Bands.Or(bands, single ? [15] : [5, 10, 15]);
        if (minutes.Any(x => x is not (5 or 10 or 15))) v.Add("minutes", "minutes must be among 5, 10 and 15 (the precomputed bands).");
        else if (single && minutes.Count != 1) v.Add("minutes", "minutes must be one band: 5, 10 or 15.");
        return (m, minutes);
    }

    static async Task<Results<GeoJson<ServiceAreaBand, ServiceAreaMembers>, ProblemHttpResult, ValidationProblem>> ForStation(
        long id, [AsParameters] ServiceAreaQuery q, GraphHost graphs, NpgsqlDataSource data, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        var (mode, minutes) = Check(q.Mode, q.Minutes, v, single: false);
        var crs = CrsParameter.Or(q.Crs);
        if (!v.IsValid) return v.Problem();
        var regions = graphs.Regions;

        var stored = await ServiceAreaStore.ForStationAsync(data, id, mode, minutes, ct);
        if (stored is null || stored.Deleted) return Problems.StationNotFound(id);
        var speck = IsochroneEndpoint.SpeckAreaM2(mode);
        var features = stored.Bands.Select(b => GeoJson.Feature(GeoJsonGeometry.Write(b.Geometry, crs, speck), GeoJson.Properties(
            new ServiceAreaBand(id, mode.Name(), b.Minutes, Math.Round(b.AreaKm2, 3), b.GraphVersion) { ComputedAt = b.ComputedAt }))).ToList();
        var (outcome, setVersion) = (stored.Outcome, stored.SetVersion);
        if (regions.Count == 0 && features.Count == 0) return Problems.NoRoadNetwork();
        // A set is current when it was computed on a loaded region's graph, or (version 0) outside every region.
        var current = setVersion is { } sv && (sv == 0 || regions.HasVersion(sv));
        if (outcome == "outside_network" && current)
            return Problems.OutsideNetwork(mode.Name(), IsochroneEndpoint.MaxSnapM, $"Station {id}");
        var pending = features.Count == 0;
        if (pending) http.Response.Headers.RetryAfter = "5";
        var graph = current ? regions.All.FirstOrDefault(g => g.Info.Version == setVersion) : null;
        return Collection(features, crs, pending ? "pending" : "ready", graph ?? graphs.Default, setVersion is not null && !current);
    }

    static async Task<Results<GeoJson<ServiceAreaBand, ServiceAreaMembers>, ProblemHttpResult, ValidationProblem>> InBbox(
        [AsParameters] ServiceAreasQuery q, GraphHost graphs, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var (mode, minutes) = Check(q.Mode, q.Minutes, v, single: true);
        var crs = CrsParameter.Or(q.Crs);
        if (q.Bbox is null) v.Add("bbox", "bbox is required: minLon,minLat,maxLon,maxLat.");
        if (!v.IsValid) return v.Problem();
        var bbox = q.Bbox!.Value.ToWgs84(crs);
        var graph = graphs.Regions.Find(bbox.Centroid.X, bbox.Centroid.Y) ?? graphs.Default;
        if (graph is null) return Problems.NoRoadNetwork();

        var speck = IsochroneEndpoint.SpeckAreaM2(mode);
        var features = (await ServiceAreaStore.OpenInBboxAsync(data, mode, minutes[0], bbox, 5000, ct))
            .Select(b => GeoJson.Feature(GeoJsonGeometry.Write(b.Geometry, crs, speck), GeoJson.Properties(
                new ServiceAreaBand(b.StationId, mode.Name(), b.Minutes, Math.Round(b.AreaKm2, 3), b.GraphVersion)))).ToList();
        var progress = await ServiceAreaStore.ProgressAsync(data, anyGraph: true, ct);
        var stale = progress.Stations - progress.UpToDate;
        return Collection(features, crs, stale == 0 ? "ready" : "pending", graph, false);
    }

    static GeoJson<ServiceAreaBand, ServiceAreaMembers> Collection(List<JsonObject> features, Crs crs, string state, LoadedGraph? graph, bool stale) =>
        GeoJson.Collection<ServiceAreaBand, ServiceAreaMembers>(crs, features, new ServiceAreaMembers(state, stale, graph?.Info.Version, graph?.Info.Attribution));

    static async Task<IResult> Status(GraphHost graphs, ServiceAreaJob job, NpgsqlDataSource data, Leadership leadership,
        [FromQuery(Name = "station_id")] string? stationId, CancellationToken ct)
    {
        long? station = null;
        if (stationId is not null)
        {
            if (long.TryParse(stationId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0) station = id;
            else
            {
                var v = new Validation();
                v.Add("station_id", "station_id must be a positive whole number.");
                return v.Problem();
            }
        }
        var regions = graphs.Regions;
        var counts = await ServiceAreaStore.ProgressAsync(data, regions.Count > 0, ct);
        var (total, current, outside) = ((int)counts.Stations, (int)counts.UpToDate, (int)counts.OutsideNetwork);
        var p = job.Progress;
        var (recent, byInstance) = await ServiceAreaStore.ComputationsAsync(data, station, 50, ct);
        var lead = leadership.Jobs.First(j => j.Job == LeaderJobs.ServiceAreas);
        return TypedResults.Ok(new ServiceAreaStatus(graphs.Default?.Info.Version, total, current, total - current, outside,
            p.Running, p.LastPassComputed, Math.Round(p.LastPassSeconds, 2), p.LastPassAt, p.LastError,
            leadership.Instance, lead.Leader, lead.LeadsHere, byInstance, recent)
        { Regions = [.. regions.All.Select(g => new RegionVersion(g.Info.Region, g.Info.Version))] });
    }
}
