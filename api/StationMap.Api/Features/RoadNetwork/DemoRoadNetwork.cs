using StationMap.Routing;

namespace StationMap.Api.Features.RoadNetwork;

/// <summary>
/// A generated, plausible city road network (DEMO DATA, not a real city): a jittered local street
/// grid (~200 m) with gaps, arterials every kilometre, a pair of one-way streets, a ~800 m wide
/// river crossed by three bridges only, an expressway (highway=motorway) closed to e-bikes and
/// walkers with two interchanges, a park with footways and a riverside cycleway. Seeded: the same
/// seed gives the same network. With the defaults it covers the demo stations around central Hangzhou;
/// <see cref="Generate(int, int, double, double, double)"/> scales it up for benchmarks.
/// </summary>
public static class DemoRoadNetwork
{
    public const string Region = "Hangzhou (demo)";
    const double MetresPerDegLat = 110_574;

    static readonly string[] StreetNames = ["文三路", "文二路", "学院路", "教工路", "莫干山路", "湖墅南路", "中山北路", "凤起路", "庆春路", "解放路",
        "延安路", "建国路", "秋涛路", "江南大道", "滨盛路", "江陵路", "东信大道", "天目山路", "体育场路", "环城北路"];

    const double DemoWest = 120.02, DemoSouth = 30.12, DemoSpacingM = 200;
    const int DemoCells = 165;

    /// <summary>The demo city: 33 × 33 km around central Hangzhou (lon 120.02–120.36, lat 30.12–30.42), covering every demo station.</summary>
    public static BuiltGraph Generate(int seed = 20261122) => Generate(seed, DemoCells, DemoWest, DemoSouth, DemoSpacingM);

    /// <summary>The demo city's bounding box in WGS-84 degrees (the outermost streets run along it).</summary>
    public static (double West, double South, double East, double North) Extent
    {
        get
        {
            var size = DemoCells * DemoSpacingM;
            var metresPerDegLon = MetresPerDegLat * Math.Cos(DemoSouth * Math.PI / 180);
            return (DemoWest, DemoSouth, DemoWest + size / metresPerDegLon, DemoSouth + size / MetresPerDegLat);
        }
    }

    /// <summary>A grid of <paramref name="cells"/> × <paramref name="cells"/> blocks of <paramref name="spacingM"/> metres from (west, south).</summary>
    public static BuiltGraph Generate(int seed, int cells, double west, double south, double spacingM)
    {
        var random = new Random(seed);
        var profile = RoadProfile.Default();
        var metresPerDegLon = MetresPerDegLat * Math.Cos(south * Math.PI / 180);
        var n = cells + 1;
        var size = cells * spacingM;
        // River: a band across the city, ~800 m wide, slightly tilted, at 35 % of the height.
        double RiverY(double x) => size * 0.35 + (x - size / 2) * 0.12;
        const double riverHalfWidth = 400;
        bool InRiver(double x, double y) => Math.Abs(y - RiverY(x)) < riverHalfWidth;
        var bridgeColumns = new HashSet<int> { n / 5, n / 2, 4 * n / 5 };
        var expresswayRow = (int)(n * 0.7);

        var x = new double[n, n];
        var y = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var jitter = spacingM * 0.15;
                x[i, j] = i * spacingM + (i % 5 == 0 ? 0 : (random.NextDouble() - 0.5) * 2 * jitter);
                y[i, j] = j * spacingM + (j % 5 == 0 ? 0 : (random.NextDouble() - 0.5) * 2 * jitter);
            }
        (double Lon, double Lat) ToLonLat(double mx, double my) => (west + mx / metresPerDegLon, south + my / MetresPerDegLat);
        long Id(int i, int j) => (long)i * n + j;

        var acc = new GraphAccumulator();
        var points = new List<(long Id, double Lon, double Lat)>();
        void Edge(Dictionary<string, string> tags, long? wayId, params (long Id, double X, double Y)[] nodes)
        {
            points.Clear();
            foreach (var (id, px, py) in nodes) { var (lon, lat) = ToLonLat(px, py); points.Add((id, lon, lat)); }
            acc.Flush(new WayFacts(wayId, tags["highway"], tags.GetValueOrDefault("name"), profile.Evaluate(tags)), points);
        }
        Dictionary<string, string> Tags(string highway, string? name = null, string? oneway = null)
        {
            var t = new Dictionary<string, string> { ["highway"] = highway };
            if (name is not null) t["name"] = name;
            if (oneway is not null) t["oneway"] = oneway;
            return t;
        }
        string Name(int k) => StreetNames[k % StreetNames.Length] + (k >= StreetNames.Length ? $"({k / StreetNames.Length + 1})" : "");

        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                foreach (var (di, dj) in new[] { (1, 0), (0, 1) })
                {
                    int i2 = i + di, j2 = j + dj;
                    if (i2 >= n || j2 >= n) continue;
                    var horizontal = dj == 0;
                    var line = horizontal ? j : i;
                    var arterial = line % 5 == 0;
                    var a = (Id(i, j), x[i, j], y[i, j]);
                    var b = (Id(i2, j2), x[i2, j2], y[i2, j2]);
                    var aWet = InRiver(a.Item2, a.Item3);
                    var bWet = InRiver(b.Item2, b.Item3);
                    if (aWet || bWet) continue;   // bridges are added separately
                    if (!arterial && random.NextDouble() < 0.08) continue;   // missing links: dead ends, blocks
                    var highway = arterial ? (line % 10 == 0 ? "primary" : "secondary") : "residential";
                    string? oneway = null;
                    // A one-way pair: two neighbouring north-south streets in opposite directions.
                    if (!horizontal && (i == n / 3 || i == n / 3 + 1)) { highway = "tertiary"; oneway = i == n / 3 ? "yes" : "-1"; }
                    var name = arterial || oneway is not null ? Name(line + (horizontal ? 0 : 7)) : null;
                    Edge(Tags(highway, name, oneway), null, a, b);
                }
            }

        // Bridges: along three columns, from the last dry node south of the river to the first dry node north of it.
        var bridge = 0;
        foreach (var i in bridgeColumns.Order())
        {
            int south0 = -1, north0 = -1;
            for (var j = 0; j < n; j++)
            {
                if (InRiver(x[i, j], y[i, j])) { if (south0 < 0 && j > 0) south0 = j - 1; }
                else if (south0 >= 0) { north0 = j; break; }
            }
            if (south0 < 0 || north0 < 0) continue;
            var tags = Tags("primary", $"钱江{"一二三四"[bridge++ % 4]}桥");
            tags["bridge"] = "yes";
            Edge(tags, null, (Id(i, south0), x[i, south0], y[i, south0]), (Id(i, north0), x[i, north0], y[i, north0]));
        }

        // Expressway: its own carriageway 40 m north of a row, one-way each direction, joined at two interchanges.
        var baseId = (long)n * n;
        long Ex(int i, int dir) => baseId + i * 2 + dir;
        for (var i = 0; i + 1 < n; i++)
        {
            var yy = y[0, expresswayRow] + 40;
            Edge(Tags("motorway", "绕城高速", "yes"), null, (Ex(i, 0), x[i, expresswayRow], yy), (Ex(i + 1, 0), x[i + 1, expresswayRow], yy));
            Edge(Tags("motorway", "绕城高速", "yes"), null, (Ex(i + 1, 1), x[i + 1, expresswayRow], yy + 15), (Ex(i, 1), x[i, expresswayRow], yy + 15));
        }
        foreach (var i in new[] { n / 4, 3 * n / 4 })
        {
            var g = (Id(i, expresswayRow), x[i, expresswayRow], y[i, expresswayRow]);
            var yy = y[0, expresswayRow] + 40;
            Edge(Tags("motorway_link", null, "yes"), null, g, (Ex(i, 0), x[i, expresswayRow], yy));
            Edge(Tags("motorway_link", null, "yes"), null, (Ex(i, 1), x[i, expresswayRow], yy + 15), g);
        }

        // A park with diagonal footways, and a cycleway along the north bank.
        int pi = n / 2 + 3, pj = n / 2 + 3;
        for (var k = 0; k < 4 && pi + k + 1 < n && pj + k + 1 < n; k++)
        {
            Edge(Tags("footway"), null, (Id(pi + k, pj + k), x[pi + k, pj + k], y[pi + k, pj + k]),
                (Id(pi + k + 1, pj + k + 1), x[pi + k + 1, pj + k + 1], y[pi + k + 1, pj + k + 1]));
            Edge(Tags("pedestrian", "步行街"), null, (Id(pi + k + 1, pj + k), x[pi + k + 1, pj + k], y[pi + k + 1, pj + k]),
                (Id(pi + k, pj + k + 1), x[pi + k, pj + k + 1], y[pi + k, pj + k + 1]));
        }
        for (var i = 0; i + 1 < n; i++)
        {
            int j = -1, j2 = -1;
            for (var k = 0; k < n; k++) if (!InRiver(x[i, k], y[i, k]) && y[i, k] > RiverY(x[i, k])) { j = k; break; }
            for (var k = 0; k < n; k++) if (!InRiver(x[i + 1, k], y[i + 1, k]) && y[i + 1, k] > RiverY(x[i + 1, k])) { j2 = k; break; }
            if (j < 0 || j2 < 0) continue;
            Edge(Tags("cycleway", "滨江绿道"), null, (Id(i, j), x[i, j], y[i, j]), (Id(i + 1, j2), x[i + 1, j2], y[i + 1, j2]));
        }

        var stats = new Dictionary<string, object>
        {
            ["demo"] = true,
            ["seed"] = seed,
            ["vertices"] = acc.VertexCount,
            ["edges"] = acc.EdgeCount,
            ["km_by_class"] = acc.KmByClass(),
            ["bridges"] = bridge,
        };
        var built = acc.ToBuilt(stats);
        Array.Fill(built.VertexOsmIds, null);   // generated ids, not OpenStreetMap nodes
        return built;
    }
}
