using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;
using StationMap.Planning;
using StationMap.Routing;

namespace StationMap.Api.Features.Planning;

public sealed record SuggestRequest(string? Mode, int? Minutes, string? Layer, int? P, CandidateSpec? Candidates, long? District, string? At,
    string? Exact, string? Crs);

public sealed record CoverRequest(string? Mode, int? Minutes, string? Layer, double? TargetPct, CandidateSpec? Candidates, long? District,
    string? At, string? Exact, int? MaxSites, string? Crs);

public sealed record FormatQuery([FromQuery(Name = "format")] OutputFormat? Format);

/// <summary>The top-level members of suggested sites as GeoJSON.</summary>
/// <param name="Parameters">The request's parameters (mode, minutes, layer, candidates, p or target_pct, …), so an export is self-describing.</param>
/// <param name="GraphVersion">Version of the road graph used.</param>
/// <param name="DataTime">Time of the newest station or demand data used.</param>
public sealed record SuggestedSitesMembers(JsonObject Parameters, long GraphVersion, DateTimeOffset? DataTime);

/// <summary>A suggested site, in rank order; as GeoJSON its lon/lat are the point's coordinates.</summary>
[GeoJsonGeometryMembers("lon", "lat")]
public sealed record SuggestedSite(int Rank, double Lon, double Lat, long? CandidateId, string? Label, double NewlyCovered,
    double CumulativeCovered, double CumulativePct);

/// <summary>One suggested site as a CSV row, stamped with the graph version, data time and the request's parameters (JSON).</summary>
public sealed record SuggestedSiteCsvRow(SuggestedSite S, long GraphVersion, DateTimeOffset? DataTime, string Parameters) : ICsvRow
{
    public static IReadOnlyList<string> Columns { get; } =
        ["rank", "lon", "lat", "candidate_id", "label", "newly_covered", "cumulative_covered", "cumulative_pct", "graph_version", "data_time", "parameters"];

    public IEnumerable<object?> Values() =>
        [S.Rank, S.Lon, S.Lat, S.CandidateId, S.Label, S.NewlyCovered, S.CumulativeCovered, S.CumulativePct, GraphVersion, DataTime, Parameters];
}

public sealed record CurvePoint(int Stations, double Covered, double CoveragePct);

public sealed record ExactBlock(string Status, double? Covered, double? CoveragePct, IReadOnlyList<SuggestedSite> Sites, double? GapPct,
    double Seconds, int? StationsNeeded = null);

public sealed record BaselineBlock(double TotalDemand, double CoveredDemand, double CoveragePct);

public sealed record SuggestResponse(JsonObject Parameters, long GraphVersion, DateTimeOffset? DataTime, BaselineBlock Baseline,
    IReadOnlyList<SuggestedSite> Sites, IReadOnlyList<CurvePoint> Curve, ExactBlock Exact, int CandidatesConsidered, int StationsConsidered,
    string Crs, double Seconds);

public sealed record CoverResponse(JsonObject Parameters, long GraphVersion, DateTimeOffset? DataTime, BaselineBlock Baseline,
    int? StationsNeeded, bool Reachable, double MaxPct, IReadOnlyList<SuggestedSite> Sites, IReadOnlyList<CurvePoint> Curve, ExactBlock Exact,
    int CandidatesConsidered, string Crs, double Seconds);

/// <summary>
/// POST /api/v1/planning/suggest (maximal covering: the p sites that cover the most demand) and
/// POST /api/v1/planning/cover (set covering: the fewest sites reaching a target %). Greedy answers
/// at once; the exact CP-SAT model runs when the instance is small enough (or always/never on
/// request) within a time limit, and the gap between the two is reported.
/// </summary>
public static class SuggestEndpoint
{
    public static readonly TimeSpan ExactLimit = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapPlanningSuggest(this RouteGroupBuilder api)
    {
        api.MapPost("/planning/suggest", Suggest)
            .WithTags("Planning").WithName("PlanningSuggest")
            .WithSummary("Where to add p stations to cover the most demand (greedy maximal covering, exact CP-SAT when small)")
            .WithDescription("Body: {mode, minutes, layer, p: 1–50, candidates: {layer: NAME} | {grid: {spacing_m: 300–5000, district?}}, district?, at?, " +
                             "exact: auto (default) | always | never, crs?}. Sites in order with the demand each newly covers, the cumulative curve " +
                             "(monotone) and the exact result with its gap to greedy. district limits the demand counted; a candidate layer is used whole " +
                             "(a site just outside may serve the district), a grid covers grid.district, else district, else the road network; " +
                             "grid points farther than spacing_m/2 from a usable road are dropped. ?format=csv|geojson exports the sites, stamped. " +
                             "404 unknown layer or district; 503 no road graph.")
            .Accepts<SuggestRequest>("application/json")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(503);
        api.MapPost("/planning/cover", Cover)
            .WithTags("Planning").WithName("PlanningCover")
            .WithSummary("How many new stations reach a target coverage % (set covering on the same data)")
            .WithDescription("Body: {mode, minutes, layer, target_pct: 0–100, candidates, district?, at?, exact?, max_sites? (1–500, default 200), crs?}. " +
                             "stations_needed is null when the target cannot be reached from these candidates (reachable = false, max_pct = the ceiling).")
            .Accepts<CoverRequest>("application/json")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(503);
        return api;
    }

    static string? ParseExact(string? text, Validation v)
    {
        var e = (text ?? "auto").Trim().ToLowerInvariant();
        if (e is "auto" or "always" or "never") return e;
        v.Add("exact", "exact must be auto, always or never.");
        return null;
    }

    /// <summary>Validation, context, candidates and the instance, shared by suggest and cover.</summary>
    /// <summary>Null context and problem when <paramref name="v"/> holds errors.</summary>
    static async Task<(CoverageContext? C, PlanningInstance? I, ProblemHttpResult? Problem)> PrepareAsync(CoverageParameters p, CandidateSpec? spec,
        GraphHost graphs, CoverageEngine engine, NpgsqlDataSource data, Validation v, CancellationToken ct)
    {
        var (c, problem) = await CoverageRequest.ResolveAsync(p, graphs, engine, data, withDemand: true, ct);
        if (problem is not null) return (null, null, problem);
        var (candidates, key, missing) = await CandidateSites.LoadAsync(spec, c!, data, v, ct);
        if (missing is not null) return (null, null, missing);
        if (!v.IsValid) return (null, null, null);
        var baseline = engine.Times(c!.Field, c.Demand!);
        var instance = engine.Memo($"instance|{c.Field.Key}|{c.Demand!.Key}|{key}|{p.Minutes}|{c.DistrictIndex}",
            () => CandidateSites.Build(c, baseline, candidates!, key!));
        return (c, instance, null);
    }

    static JsonObject Stamp(CoverageParameters p, CandidateSpec? spec, JsonObject extra)
    {
        var o = new JsonObject
        {
            ["mode"] = p.Mode.Name(),
            ["minutes"] = p.Minutes,
            ["layer"] = p.Layer,
            ["district"] = p.District,
            ["at"] = p.AtText,
            ["candidates"] = spec?.Layer is { } l ? new JsonObject { ["layer"] = l }
                : new JsonObject { ["grid"] = new JsonObject { ["spacing_m"] = spec?.Grid?.SpacingM, ["district"] = spec?.Grid?.District } },
        };
        foreach (var (k, val) in extra) o[k] = val?.DeepClone();
        return o;
    }

    static List<SuggestedSite> Sites(PlanningInstance inst, SitingResult result, Crs crs) =>
        result.Steps.Select((s, i) =>
        {
            var cand = inst.Candidates[s.Candidate];
            var (lon, lat) = CoordinateSystems.FromWgs84(crs, cand.Lon, cand.Lat);
            return new SuggestedSite(i + 1, Math.Round(lon, 7), Math.Round(lat, 7), cand.Id, cand.Label, CoverageReport.Round(s.NewlyCovered),
                CoverageReport.Round(s.CumulativeCovered), CoverageReport.Pct(s.CumulativeCovered, inst.TotalWeight));
        }).ToList();

    static List<CurvePoint> Curve(PlanningInstance inst, SitingResult result) =>
        [new CurvePoint(0, CoverageReport.Round(inst.AlreadyCoveredWeight), CoverageReport.Pct(inst.AlreadyCoveredWeight, inst.TotalWeight)),
         .. result.Steps.Select((s, i) => new CurvePoint(i + 1, CoverageReport.Round(s.CumulativeCovered), CoverageReport.Pct(s.CumulativeCovered, inst.TotalWeight)))];

    static string StatusName(SolveStatus s) => s switch
    {
        SolveStatus.Optimal => "optimal",
        SolveStatus.Feasible => "feasible",
        SolveStatus.Timeout => "timeout",
        _ => "heuristic",
    };

    static bool TryExact(string mode, CoverageInstance instance) =>
        mode == "always" || (mode == "auto" && MaximalCovering.IsSmallEnough(instance));

    static async Task<Results<Ok<SuggestResponse>, GeoJson<SuggestedSite, SuggestedSitesMembers>, Csv<SuggestedSiteCsvRow>, ProblemHttpResult, ValidationProblem>> Suggest([AsParameters] FormatQuery q, HttpRequest request, GraphHost graphs, CoverageEngine engine,
        NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var format = q.Format?.Value ?? Format.Json;
        var body = await PlanningBody.ReadAsync<SuggestRequest>(request, v, ct);
        if (body is null) return v.Problem();
        var p = CoverageRequest.Parse(body.Mode, body.Minutes, body.Layer, body.District, body.At, v);
        if (body.P is not { } count || count < 1 || count > 50) v.Add("p", "p must be a whole number of new stations between 1 and 50.");
        CandidateSites.Validate(body.Candidates, v);
        var exactMode = ParseExact(body.Exact, v);
        var crs = v.Crs(body.Crs);
        if (!v.IsValid) return v.Problem();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (c, inst, problem) = await PrepareAsync(p!, body.Candidates, graphs, engine, data, v, ct);
        if (problem is not null) return problem;
        if (!v.IsValid) return v.Problem();
        var greedy = MaximalCovering.Greedy(inst!.Instance, body.P!.Value);
        var exact = new ExactBlock("skipped", null, null, [], null, 0);
        if (TryExact(exactMode!, inst.Instance))
        {
            var r = MaximalCovering.Exact(inst.Instance, body.P.Value, ExactLimit, ct);
            exact = r.Status == SolveStatus.Timeout
                ? new ExactBlock("timeout", null, null, [], null, Math.Round(r.Elapsed.TotalSeconds, 3))
                : new ExactBlock(StatusName(r.Status), CoverageReport.Round(r.Covered), CoverageReport.Pct(r.Covered, inst.TotalWeight), Sites(inst, r, crs),
                    Math.Round((r.Covered - greedy.Covered) / Math.Max(inst.TotalWeight, 1e-12) * 100, 4), Math.Round(r.Elapsed.TotalSeconds, 3));
        }
        var response = new SuggestResponse(Stamp(p!, body.Candidates, new JsonObject { ["p"] = body.P, ["exact"] = exactMode }),
            c!.Graph.Info.Version, c.DataTime,
            new BaselineBlock(CoverageReport.Round(inst.TotalWeight), CoverageReport.Round(inst.AlreadyCoveredWeight), CoverageReport.Pct(inst.AlreadyCoveredWeight, inst.TotalWeight)),
            Sites(inst, greedy, crs), Curve(inst, greedy), exact, inst.Candidates.Count, c.Scenario.Stations.Count, CoordinateSystems.Name(crs),
            Math.Round(clock.Elapsed.TotalSeconds, 3));
        return format switch
        {
            Format.Csv => SitesCsv(response.Sites, response.Parameters, response.GraphVersion, response.DataTime),
            Format.GeoJson => SitesGeoJson(response.Sites, response.Parameters, response.GraphVersion, response.DataTime, crs),
            _ => TypedResults.Ok(response),
        };
    }

    static async Task<Results<Ok<CoverResponse>, GeoJson<SuggestedSite, SuggestedSitesMembers>, Csv<SuggestedSiteCsvRow>, ProblemHttpResult, ValidationProblem>> Cover([AsParameters] FormatQuery q, HttpRequest request, GraphHost graphs, CoverageEngine engine,
        NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var format = q.Format?.Value ?? Format.Json;
        var body = await PlanningBody.ReadAsync<CoverRequest>(request, v, ct);
        if (body is null) return v.Problem();
        var p = CoverageRequest.Parse(body.Mode, body.Minutes, body.Layer, body.District, body.At, v);
        if (body.TargetPct is not { } target || !double.IsFinite(target) || target < 0 || target > 100)
            v.Add("target_pct", "target_pct must be a percentage between 0 and 100.");
        v.Range(body.MaxSites, "max_sites", 1, 500);
        CandidateSites.Validate(body.Candidates, v);
        var exactMode = ParseExact(body.Exact, v);
        var crs = v.Crs(body.Crs);
        if (!v.IsValid) return v.Problem();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (c, inst, problem) = await PrepareAsync(p!, body.Candidates, graphs, engine, data, v, ct);
        if (problem is not null) return problem;
        if (!v.IsValid) return v.Problem();
        var goal = body.TargetPct!.Value / 100 * inst!.TotalWeight;
        var maxSites = body.MaxSites ?? 200;
        var greedy = SetCovering.Greedy(inst.Instance, goal, maxSites);
        var exact = new ExactBlock("skipped", null, null, [], null, 0);
        if (TryExact(exactMode!, inst.Instance) && greedy.Reachable)
        {
            var r = SetCovering.Exact(inst.Instance, goal, greedy.TargetReached ? greedy.SitesNeeded : maxSites, ExactLimit, ct);
            var s = r.Siting;
            exact = s.Status == SolveStatus.Timeout || !r.TargetReached
                ? new ExactBlock(s.Status == SolveStatus.Timeout ? "timeout" : StatusName(s.Status), null, null, [], null, Math.Round(s.Elapsed.TotalSeconds, 3))
                : new ExactBlock(StatusName(s.Status), CoverageReport.Round(s.Covered), CoverageReport.Pct(s.Covered, inst.TotalWeight), Sites(inst, s, crs),
                    null, Math.Round(s.Elapsed.TotalSeconds, 3), r.SitesNeeded);
        }
        var response = new CoverResponse(Stamp(p!, body.Candidates, new JsonObject { ["target_pct"] = body.TargetPct, ["max_sites"] = maxSites, ["exact"] = exactMode }),
            c!.Graph.Info.Version, c.DataTime,
            new BaselineBlock(CoverageReport.Round(inst.TotalWeight), CoverageReport.Round(inst.AlreadyCoveredWeight), CoverageReport.Pct(inst.AlreadyCoveredWeight, inst.TotalWeight)),
            greedy.TargetReached ? greedy.SitesNeeded : null, greedy.Reachable, CoverageReport.Pct(greedy.MaxCoverable, inst.TotalWeight),
            Sites(inst, greedy.Siting, crs), Curve(inst, greedy.Siting), exact, inst.Candidates.Count, CoordinateSystems.Name(crs),
            Math.Round(clock.Elapsed.TotalSeconds, 3));
        return format switch
        {
            Format.Csv => SitesCsv(response.Sites, response.Parameters, response.GraphVersion, response.DataTime),
            Format.GeoJson => SitesGeoJson(response.Sites, response.Parameters, response.GraphVersion, response.DataTime, crs),
            _ => TypedResults.Ok(response),
        };
    }

    static Csv<SuggestedSiteCsvRow> SitesCsv(IReadOnlyList<SuggestedSite> sites, JsonObject parameters, long graphVersion, DateTimeOffset? dataTime)
    {
        var stamp = parameters.ToJsonString(ApiJson.Options);
        return new(sites.Select(s => new SuggestedSiteCsvRow(s, graphVersion, dataTime, stamp)),
            $"sites-{(string?)parameters["mode"]}-{(int?)parameters["minutes"]}min-graph-{graphVersion}.csv");
    }

    static GeoJson<SuggestedSite, SuggestedSitesMembers> SitesGeoJson(IReadOnlyList<SuggestedSite> sites, JsonObject parameters, long graphVersion, DateTimeOffset? dataTime, Crs crs) =>
        GeoJson.Collection<SuggestedSite, SuggestedSitesMembers>(crs,
            sites.Select(s => GeoJson.Feature(GeoJsonGeometry.Position(s.Lon, s.Lat), GeoJson.Properties(s))),
            new SuggestedSitesMembers(parameters.DeepClone().AsObject(), graphVersion, dataTime));
}
