using Npgsql;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Routing;

namespace StationMap.Api.Features.Planning;

public sealed record SiteInput(double? Lon, double? Lat, string? Label);

public sealed record WhatIfRequest(string? Mode, int? Minutes, string? Layer, long? District, string? At, string? Crs,
    List<SiteInput>? Add, List<long>? Remove);

/// <summary>The coverage figures of one scenario (the per-district rows carry the full table's columns).</summary>
public sealed record CoverageBlock(double TotalDemand, double CoveredDemand, double CoveragePct, double? MeanMinutes, double? P95Minutes,
    int CoveredPoints, IReadOnlyList<DistrictCoverage> Districts);

public sealed record AddedSite(double Lon, double Lat, string? Label, double SnapDistanceM, double NewlyCovered);

public sealed record WhatIfResponse(string Mode, int Minutes, string Layer, long? District, string? At, long GraphVersion, DateTimeOffset? DataTime,
    CoverageBlock Baseline, CoverageBlock Scenario, double DeltaCovered, double DeltaPct, IReadOnlyList<AddedSite> Added,
    IReadOnlyList<long> Removed, string Crs, double ComputeMs)
{
    /// <summary>Where the time went: loading the scenario, the new field or search, the two summaries (ms).</summary>
    public IReadOnlyDictionary<string, double>? TimingsMs { get; init; }
}

/// <summary>
/// POST /api/v1/planning/what-if: coverage with hypothetical stations added and existing ones removed,
/// computed in memory and written nowhere. Adding: the baseline field's per-point times, lowered where
/// one multi-source search from the new sites (≤ 60 min) is faster; removing: the field of the
/// remaining stations (cached by station-set fingerprint like any scenario).
/// </summary>
public static class WhatIfEndpoint
{
    public const int MaxSites = 50;

    public static RouteGroupBuilder MapWhatIf(this RouteGroupBuilder api)
    {
        api.MapPost("/planning/what-if", Handle)
            .WithTags("Planning").WithName("PlanningWhatIf")
            .WithSummary("Coverage if hypothetical stations were added or existing ones removed (read-only, nothing is written)")
            .WithDescription("Body: {mode, minutes, layer, district?, at?, crs?, add: [{lon, lat, label?}], remove: [station ids]} " +
                             $"(at most {MaxSites} each). Returns baseline and scenario coverage blocks, the change, and per added site " +
                             "its snap distance and the demand it newly covers. 404 unknown layer or district; 422 a site beyond the road network; 503 no road graph.")
            .Accepts<WhatIfRequest>("application/json")
            .Produces<WhatIfResponse>(200).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(422).ProducesProblem(503);
        return api;
    }

    static async Task<IResult> Handle(HttpRequest request, GraphHost graphs, CoverageEngine engine, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var body = await PlanningBody.ReadAsync<WhatIfRequest>(request, v, ct);
        if (body is null) return v.Problem();
        var p = CoverageRequest.Parse(body.Mode, body.Minutes, body.Layer, body.District, body.At, v);
        var crs = v.Crs(body.Crs);
        var add = body.Add ?? [];
        var remove = body.Remove ?? [];
        if (add.Count > MaxSites) v.Add("add", $"add takes at most {MaxSites} sites.");
        if (remove.Count > MaxSites) v.Add("remove", $"remove takes at most {MaxSites} station ids.");
        for (var i = 0; i < add.Count; i++)
            v.Coordinates(add[i]?.Lon, add[i]?.Lat, $"add[{i}].lon", $"add[{i}].lat");
        if (!v.IsValid) return v.Problem();

        var timer = System.Diagnostics.Stopwatch.StartNew();
        var (c, problem) = await CoverageRequest.ResolveAsync(p!, graphs, engine, data, withDemand: true, ct);
        if (problem is not null) return problem;
        var known = c!.Scenario.Stations.Select(s => s.Id).ToHashSet();
        for (var i = 0; i < remove.Count; i++)
            if (!known.Contains(remove[i])) v.Add($"remove[{i}]", $"remove[{i}]: station {remove[i]} is not an open station in this scenario.");
        if (!v.IsValid) return v.Problem();

        var sites = add.Select(s => CoordinateSystems.ToWgs84(crs, s.Lon!.Value, s.Lat!.Value)).ToList();
        var engineOf = c.Graph.Engine;
        var snaps = new List<SnapResult>();
        for (var i = 0; i < sites.Count; i++)
        {
            if (engineOf.Snap(sites[i].Lon, sites[i].Lat, p!.Mode, CoverageEngine.OffNetworkM) is { } snap) snaps.Add(snap);
            else return Problems.OutsideNetwork(p.Mode.Name(), CoverageEngine.OffNetworkM, $"add[{i}]");
        }

        var resolved = timer.Elapsed.TotalMilliseconds;
        var baseline = engine.Times(c.Field, c.Demand!);
        var scenarioTimes = baseline;
        if (remove.Count > 0)
        {
            var removed = remove.ToHashSet();
            var kept = c.Scenario.Stations.Where(s => !removed.Contains(s.Id)).ToList();
            scenarioTimes = engine.Times(engine.Field(c.Graph, p!.Mode, kept), c.Demand!);
        }
        var newly = new double[snaps.Count];
        if (snaps.Count > 0) scenarioTimes = WithSites(c, scenarioTimes, baseline, snaps, newly);

        var searched = timer.Elapsed.TotalMilliseconds;
        var before = engine.Memo($"block|{c.Field.Key}|{c.Demand!.Key}|{p!.Minutes}|{c.DistrictIndex}", () => Block(c, baseline.Seconds));
        var after = Block(c, scenarioTimes.Seconds);
        var summarized = timer.Elapsed.TotalMilliseconds;
        var added = sites.Select((s, i) =>
        {
            var (lon, lat) = CoordinateSystems.FromWgs84(crs, snaps[i].Lon, snaps[i].Lat);
            return new AddedSite(Math.Round(lon, 7), Math.Round(lat, 7), add[i].Label, Math.Round(snaps[i].DistanceM, 1), CoverageReport.Round(newly[i]));
        }).ToList();
        return TypedResults.Ok(new WhatIfResponse(p!.Mode.Name(), p.Minutes, p.Layer, p.District, p.AtText, c.Graph.Info.Version, c.DataTime,
            before, after, CoverageReport.Round(after.CoveredDemand - before.CoveredDemand), Math.Round(after.CoveragePct - before.CoveragePct, 3),
            added, remove, CoordinateSystems.Name(crs), Math.Round(timer.Elapsed.TotalMilliseconds, 1))
        {
            TimingsMs = new Dictionary<string, double>
            {
                ["resolve"] = Math.Round(resolved, 1),
                ["scenario"] = Math.Round(searched - resolved, 1),
                ["summaries"] = Math.Round(summarized - searched, 1),
            },
        });
    }

    /// <summary>
    /// Per-point times with the new sites: min(times, time to the nearest new site). <paramref name="newly"/>
    /// gets, per site, the in-scope demand covered now but not in the baseline for which that site is nearest.
    /// </summary>
    static PointTimes WithSites(CoverageContext c, PointTimes times, PointTimes baseline, List<SnapResult> snaps, double[] newly)
    {
        var d = c.Demand!;
        var engine = c.Graph.Engine;
        var field = engine.NearestSources(snaps.ToArray(), c.Parameters.Mode, SearchDirection.Reverse, CoverageEngine.MaxSeconds);
        var seconds = (double[])times.Seconds.Clone();
        var source = (int[])times.Source.Clone();
        var nearestNew = new int[d.Count];
        Array.Fill(nearestNew, -1);
        Parallel.For(0, d.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            if (!d.OnNetwork[i]) return;
            var (s, t) = engine.NearestSourceAt(field, d.Snap[i]);
            if (s >= 0 && t < seconds[i]) { seconds[i] = t; source[i] = -1; nearestNew[i] = s; }
        });
        var cut = c.Parameters.CutoffSeconds;
        for (var i = 0; i < d.Count; i++)
            if (nearestNew[i] >= 0 && c.InScope(i) && seconds[i] <= cut && !(baseline.Seconds[i] <= cut)) newly[nearestNew[i]] += d.Weight[i];
        return new PointTimes(seconds, source);
    }

    public static CoverageBlock Block(CoverageContext c, double[] seconds)
    {
        var (t, rows) = CoverageReport.Summarize(c, seconds);
        return new CoverageBlock(t.TotalDemand, t.CoveredDemand, t.CoveragePct, t.MeanMinutes, t.P95Minutes, t.CoveredPoints, rows);
    }
}
