namespace StationMap.IntegrationTests.Infrastructure;

/// <summary>The real data in ../shared/data beside the checkout, read in place (never copied into the repository).</summary>
public static class SharedData
{
    public static string Osm(string file) => Path.Combine(Root(), "osm", file);

    public static string Boundary(string file) => Path.Combine(Root(), "boundaries", file);

    static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "osm"))) return candidate;
        }
        throw new DirectoryNotFoundException($"shared/data/osm not found above {AppContext.BaseDirectory}: the shared data must sit beside the checkout.");
    }
}
