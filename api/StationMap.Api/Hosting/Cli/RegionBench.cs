using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.Routing;

namespace StationMap.Api.Hosting.Cli;

/// <summary>
/// <c>bench-regions [--regions N] [--samples S] [--seed X]</c> (./stationmap bench regions): a province-size set of
/// generated city grids (150 m blocks, three sizes, laid out over Zhejiang without overlap, ≥ 3,000,000 edges in all
/// with the defaults), stored through the importer's binary COPY once and kept for later runs; then, in this process,
/// the load of every region into memory by <see cref="GraphHost"/> (time, and managed heap growth per edge), and
/// 15-minute e-bike isochrones ("who can reach here") from random road points of each region through the region
/// index, with p50/p95 per region and per region size. Prints tables and one summary line; asserts nothing.
/// </summary>
public static class RegionBench
{
    static readonly int[] Sizes = [270, 380, 460];

    public static async Task<int> RunAsync(NpgsqlDataSource data, string[] args, TextWriter output)
    {
        var count = int.Parse(CliCommands.Option(args, "--regions") ?? "12", CultureInfo.InvariantCulture);
        var samples = int.Parse(CliCommands.Option(args, "--samples") ?? "200", CultureInfo.InvariantCulture);
        var seed = int.Parse(CliCommands.Option(args, "--seed") ?? "20261201", CultureInfo.InvariantCulture);
        if (count is < 1 or > 40) { output.WriteLine("error: --regions must be between 1 and 40"); return 1; }
        if (samples is < 10 or > 10_000) { output.WriteLine("error: --samples must be between 10 and 10000"); return 1; }

        var wanted = Enumerable.Range(0, count).Select(i => (Index: i, Cells: Sizes[i % Sizes.Length], Name: Name(i, Sizes[i % Sizes.Length]))).ToList();
        await using (var conn = await data.OpenConnectionAsync())
        {
            var present = (await RoadGraphStore.ActiveInfosAsync(conn)).Select(g => g.Region).ToHashSet(StringComparer.Ordinal);
            var clock = Stopwatch.StartNew();
            foreach (var (i, cells, name) in wanted.Where(w => !present.Contains(w.Name)))
            {
                // A 4 × N layout over Zhejiang: 0.9° of longitude and 0.75° of latitude between origins (≥ 80 km; the largest grid is 69 km).
                var built = DemoRoadNetwork.Generate(seed + i, cells, 118.2 + i % 4 * 0.9, 27.2 + i / 4 * 0.75, 150);
                var t = Stopwatch.StartNew();
                await RoadGraphStore.SaveAndActivateAsync(conn, built, name, "synthetic", null, null, RoadProfile.Default().ToJson());
                output.WriteLine($"  stored {name}: {built.Graph.EdgeCount:N0} edges in {t.Elapsed.TotalSeconds:F1} s");
            }
            if (clock.Elapsed.TotalSeconds > 1) output.WriteLine($"  generated and stored in {clock.Elapsed.TotalSeconds:F0} s (kept for the next run)");
        }

        // Load: the host as the API runs it, every region in parallel (one connection each).
        var host = new GraphHost(data, new Infrastructure.Instances.PgNotifications(data, NullLogger<Infrastructure.Instances.PgNotifications>.Instance), NullLogger<GraphHost>.Instance);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var load = Stopwatch.StartNew();
        await host.ReloadIfChangedAsync();
        var loadSeconds = load.Elapsed.TotalSeconds;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true) - before;
        var regions = host.Regions.All.Where(g => wanted.Any(w => w.Name == g.Info.Region)).ToList();
        var edges = regions.Sum(g => (long)g.Info.EdgeCount);
        var vertices = regions.Sum(g => (long)g.Info.VertexCount);
        var bytesPerEdge = heap / (double)Math.Max(1, edges);

        // Isochrones: random road points of each region (a vertex of the region, nudged up to 50 m), sent through the region index.
        var random = new Random(seed);
        var rows = new List<(LoadedGraph Graph, int Cells, double P50, double P95, double Mean)>();
        var all = new List<double>();
        var minutes = new List<double> { 15 };
        foreach (var graph in regions)
        {
            var d = graph.Engine.Graph.Data;
            var times = new List<double>(samples);
            for (var k = -10; k < samples; k++)
            {
                var v = random.Next(d.VertexCount);
                var (lon, lat) = (d.VertexLon[v] + (random.NextDouble() - 0.5) * 0.0008, d.VertexLat[v] + (random.NextDouble() - 0.5) * 0.0008);
                var t = Stopwatch.GetTimestamp();
                var region = host.For(lon, lat);
                var result = region.Graph?.Engine.Isochrone(lon, lat, TravelMode.Ebike, SearchDirection.Reverse, minutes, IsochroneEndpoint.MaxSnapM);
                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (region.Graph != graph) throw new InvalidOperationException($"a point of {graph.Info.Region} went to {region.Graph?.Info.Region ?? "no region"}");
                if (k >= 0 && result is not null) times.Add(ms);   // the first ten warm the JIT and the workspace pool
            }
            times.Sort();
            all.AddRange(times);
            rows.Add((graph, wanted.First(w => w.Name == graph.Info.Region).Cells, Percentile(times, 0.5), Percentile(times, 0.95), times.Average()));
        }
        all.Sort();

        output.WriteLine();
        output.WriteLine($"{"region",-34} {"vertices",10} {"edges",10} {"iso p50 ms",11} {"iso p95 ms",11}");
        foreach (var r in rows.OrderBy(r => r.Graph.Info.EdgeCount))
            output.WriteLine($"{r.Graph.Info.Region,-34} {r.Graph.Info.VertexCount,10:N0} {r.Graph.Info.EdgeCount,10:N0} {r.P50,11:F2} {r.P95,11:F2}");
        output.WriteLine();
        output.WriteLine($"{"region size",-22} {"regions",8} {"edges each",11} {"iso p50 ms",11} {"iso p95 ms",11}");
        foreach (var size in rows.GroupBy(r => r.Cells).OrderBy(g => g.Key))
        {
            var p50 = size.Select(r => r.P50).Order().ToList();
            var p95 = size.Select(r => r.P95).Order().ToList();
            output.WriteLine($"{$"{size.Key}×{size.Key} blocks",-22} {size.Count(),8} {size.Average(r => r.Graph.Info.EdgeCount),11:N0} {Percentile(p50, 0.5),11:F2} {Percentile(p95, 0.5),11:F2}");
        }
        output.WriteLine();
        var adjacency = regions.Sum(g => g.Engine.Graph.AdjacencyBytes);
        output.WriteLine($"load: {regions.Count} regions, {vertices:N0} vertices, {edges:N0} edges in {loadSeconds:F1} s " +
                         $"({edges / loadSeconds / 1e6:F2} M edges/s, {Environment.ProcessorCount} cores)");
        output.WriteLine($"memory: managed heap +{heap / 1048576.0:N0} MiB = {bytesPerEdge:F0} bytes/edge " +
                         $"(adjacency arrays {adjacency / (double)edges:F0} bytes/edge, {vertices / (double)edges:F2} vertices/edge)");
        // Where a region's load goes: the two binary COPYs into arrays, then the engine (adjacency per mode and direction, snap grid).
        var largest = regions.MaxBy(g => g.Info.EdgeCount)!;
        var read = Stopwatch.StartNew();
        GraphData copy;
        await using (var conn = await data.OpenConnectionAsync()) copy = await RoadGraphStore.LoadAsync(conn, largest.Info);
        var readSeconds = read.Elapsed.TotalSeconds;
        var build = Stopwatch.StartNew();
        _ = new RoutingEngine(copy);
        output.WriteLine($"one region alone ({largest.Info.Region}, {largest.Info.EdgeCount:N0} edges): read {readSeconds:F2} s, engine built in {build.Elapsed.TotalSeconds:F2} s");
        output.WriteLine($"isochrones: {all.Count} × 15-minute e-bike, p50 {Percentile(all, 0.5):F2} ms, p95 {Percentile(all, 0.95):F2} ms (one thread)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"regions: load {loadSeconds:F1} s for {edges} edges, {bytesPerEdge:F0} bytes/edge, isochrone p50 {Percentile(all, 0.5):F2} ms"));
        GC.KeepAlive(host);
        return 0;
    }

    static string Name(int i, int cells) => $"bench {i + 1:00} ({cells}×{cells} grid)";

    static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
