using Npgsql;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.RoadNetwork;

namespace StationMap.Api.Features.Planning;

/// <summary>
/// Loads the demo planning inputs (districts, <c>demo-demand</c>, <c>demo-candidates</c>) into a database where
/// they are missing, also when stations already exist, so an existing database gets them on its next
/// <c>./stationmap run</c>. Only over the demo road network: demo demand in Hangzhou means nothing on an imported city.
/// Existing districts (imported or demo) and layers of the same names are left alone.
/// </summary>
public static class DemoPlanningSeed
{
    public static async Task SeedMissingAsync(NpgsqlConnection conn, TextWriter output, int seed = DemoPlanningData.DefaultSeed, CancellationToken ct = default)
    {
        var regions = await RoadGraphStore.ActiveInfosAsync(conn, ct);
        if (regions.Count > 0 && regions.All(r => r.Source != "demo"))
        {
            output.WriteLine($"the active road graphs are not the demo network ({string.Join(", ", regions.Select(r => $"{r.Region}: {r.Source}"))}); demo planning data not loaded");
            return;
        }
        var hasDistricts = await DistrictStore.AnyAsync(conn, ct);
        var hasDemand = (await PointLayerStore.ListAsync(conn, DemoPlanningData.DemandLayer, ct)).Count > 0;
        var hasCandidates = (await PointLayerStore.ListAsync(conn, DemoPlanningData.CandidateLayer, ct)).Count > 0;
        if (!hasDistricts)
        {
            var stored = await DistrictImport.ReplaceAllAsync(conn, DemoPlanningData.Districts(), "demo", isDemo: true, ct);
            output.WriteLine($"loaded {stored.Count} DEMO districts ({string.Join(", ", stored.Select(d => $"{d.Name} {d.AreaKm2:F0} km²"))})");
        }
        if (hasDemand && hasCandidates) return;
        var network = DemoRoadNetwork.Generate().Graph;
        if (!hasDemand)
        {
            var layer = await PointLayerStore.ReplaceAsync(conn, DemoPlanningData.DemandLayer, "demand",
                "DEMO DATA: generated outdoor-worker demand (restaurant clusters, pick-up hotspots, logistics depots, population grid)",
                "demo", isDemo: true, DemoPlanningData.Demand(network, seed), ct);
            output.WriteLine($"loaded DEMO demand layer '{layer.Name}': {layer.PointCount} points, total weight {layer.TotalWeight:F0}");
        }
        if (!hasCandidates)
        {
            var layer = await PointLayerStore.ReplaceAsync(conn, DemoPlanningData.CandidateLayer, "candidate",
                "DEMO DATA: generated candidate sites on roads open to e-bikes", "demo", isDemo: true, DemoPlanningData.Candidates(network, seed), ct);
            output.WriteLine($"loaded DEMO candidate layer '{layer.Name}': {layer.PointCount} points");
        }
    }
}
