namespace StationMap.Api.Features.Coverage;

/// <summary>One row of the per-district table; <see cref="Id"/> null = the demand outside every district.</summary>
public sealed record DistrictCoverage(long? Id, string? Code, string Name, string? NameEn, double Demand, double Covered,
    double CoveragePct, double? MeanMinutes, double? P95Minutes, int Points, int CoveredPoints, double OffNetworkDemand);

public sealed record CoverageTotals(double TotalDemand, double CoveredDemand, double CoveragePct, int Points, int CoveredPoints,
    double OffNetworkDemand, int OffNetworkPoints, double? MeanMinutes, double? P95Minutes);

public sealed record WorstPoint(long Id, string? Label, string? Category, double Lon, double Lat, double Weight, double? Minutes,
    long? DistrictId, bool OffNetwork);

public sealed record StationCatchment(long Id, string Name, double CatchmentDemand, double CoveredCatchmentDemand, int Points);

/// <summary>
/// Aggregates per-point times into the coverage figures. Covered = on the network and at most the
/// cut-off from an open station. Mean and 95th percentile are weighted by demand and taken over
/// reachable demand (within 60 minutes); the percentile is the smallest time t such that at least 95 %
/// of the reachable weight is within t. Totals add up: the district rows (with the "outside" row)
/// sum to the totals.
/// </summary>
public static class CoverageReport
{
    public const string OutsideName = "(outside districts)";

    public static (CoverageTotals Totals, List<DistrictCoverage> Districts) Summarize(CoverageContext c, double[] seconds)
    {
        var d = c.Demand!;
        var groups = d.Districts.Length + 1; // last = outside
        var demand = new double[groups]; var covered = new double[groups]; var offNet = new double[groups];
        var points = new int[groups]; var coveredPoints = new int[groups]; var offPoints = new int[groups];
        var reachW = new double[groups + 1]; var sumWT = new double[groups + 1];
        var cut = c.Parameters.CutoffSeconds;
        var reachable = new List<int>(d.Count);
        for (var i = 0; i < d.Count; i++)
        {
            if (!c.InScope(i)) continue;
            var g = d.District[i] < 0 ? groups - 1 : d.District[i];
            var w = d.Weight[i];
            demand[g] += w; points[g]++;
            if (!d.OnNetwork[i]) { offNet[g] += w; offPoints[g]++; continue; }
            var t = seconds[i];
            if (t <= cut) { covered[g] += w; coveredPoints[g]++; }
            if (double.IsFinite(t))
            {
                reachable.Add(i);
                reachW[g] += w; sumWT[g] += w * t;
                reachW[groups] += w; sumWT[groups] += w * t;
            }
        }

        // One sort answers every group's weighted 95th percentile.
        var order = reachable.ToArray();
        var keys = new double[order.Length];
        for (var n = 0; n < order.Length; n++) keys[n] = seconds[order[n]];
        Array.Sort(keys, order);
        var p95 = new double?[groups + 1];
        var running = new double[groups + 1];
        void Step(int k, double w, double t)
        {
            running[k] += w;
            if (p95[k] is null && reachW[k] > 0 && running[k] >= 0.95 * reachW[k]) p95[k] = t;
        }
        foreach (var i in order)
        {
            Step(d.District[i] < 0 ? groups - 1 : d.District[i], d.Weight[i], seconds[i]);
            Step(groups, d.Weight[i], seconds[i]);
        }

        double? Mean(int k) => reachW[k] > 0 ? Minutes(sumWT[k] / reachW[k]) : null;
        double? P95(int k) => p95[k] is { } s ? Minutes(s) : null;
        var rows = new List<DistrictCoverage>();
        for (var g = 0; g < groups; g++)
        {
            var isOutside = g == groups - 1;
            if (isOutside && points[g] == 0) continue;
            if (c.DistrictIndex >= 0 && g != c.DistrictIndex) continue;
            var info = isOutside ? null : d.Districts[g];
            rows.Add(new DistrictCoverage(info?.Id, info?.Code, info?.Name ?? OutsideName, info?.NameEn, Round(demand[g]), Round(covered[g]),
                Pct(covered[g], demand[g]), Mean(g), P95(g), points[g], coveredPoints[g], Round(offNet[g])));
        }
        var total = demand.Sum();
        var totals = new CoverageTotals(Round(total), Round(covered.Sum()), Pct(covered.Sum(), total), points.Sum(), coveredPoints.Sum(),
            Round(offNet.Sum()), offPoints.Sum(), Mean(groups), P95(groups));
        return (totals, rows);
    }

    /// <summary>The worst-served points in scope: off network or unreachable first, then the longest times; heavier first on ties.</summary>
    public static List<WorstPoint> Worst(CoverageContext c, double[] seconds, int count)
    {
        var d = c.Demand!;
        return Enumerable.Range(0, d.Count).Where(c.InScope)
            .OrderByDescending(i => d.OnNetwork[i] ? seconds[i] : double.PositiveInfinity)
            .ThenByDescending(i => d.Weight[i]).ThenBy(i => d.Ids[i])
            .Take(count)
            .Select(i => new WorstPoint(d.Ids[i], d.Label[i], d.Category[i], d.Lon[i], d.Lat[i], d.Weight[i],
                d.OnNetwork[i] && double.IsFinite(seconds[i]) ? Minutes(seconds[i]) : null,
                d.District[i] < 0 ? null : d.Districts[d.District[i]].Id, !d.OnNetwork[i]))
            .ToList();
    }

    /// <summary>Each station's catchment: the demand (in scope) for which it is the nearest open station by time.</summary>
    public static List<StationCatchment> Catchments(CoverageContext c, PointTimes times)
    {
        var d = c.Demand!;
        var stations = c.Field.Stations;
        var demand = new double[stations.Length]; var covered = new double[stations.Length]; var points = new int[stations.Length];
        for (var i = 0; i < d.Count; i++)
        {
            var s = times.Source[i];
            if (s < 0 || !c.InScope(i)) continue;
            demand[s] += d.Weight[i]; points[s]++;
            if (times.Seconds[i] <= c.Parameters.CutoffSeconds) covered[s] += d.Weight[i];
        }
        return Enumerable.Range(0, stations.Length)
            .Select(s => new StationCatchment(stations[s].Id, stations[s].Name, Round(demand[s]), Round(covered[s]), points[s]))
            .OrderByDescending(x => x.CatchmentDemand).ThenBy(x => x.Id).ToList();
    }

    public static double Minutes(double seconds) => Math.Round(seconds / 60, 2);
    public static double Round(double value) => Math.Round(value, 3);
    public static double Pct(double part, double whole) => whole > 0 ? Math.Round(100 * part / whole, 3) : 0;
}
