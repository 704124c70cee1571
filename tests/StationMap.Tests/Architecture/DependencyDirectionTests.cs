using System.Text.RegularExpressions;

namespace StationMap.Tests.Architecture;

/// <summary>
/// Dependencies point one way (STYLE.md, "The kernel"): features use the kernel, never the reverse.
/// Read from the source so a stray <c>using</c> or a fully qualified name fails here, at the file and line.
/// </summary>
public class DependencyDirectionTests
{
    static readonly string Root = FindRoot();
    static readonly string Api = Path.Combine(Root, "api", "StationMap.Api");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "StationMap.sln"))) return dir.FullName;
        throw new InvalidOperationException("StationMap.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The feature namespaces, one per folder under Features/.</summary>
    static string[] FeatureNames() =>
        [.. Directory.GetDirectories(Path.Combine(Api, "Features")).Select(Path.GetFileName).OfType<string>().Order()];

    /// <summary>
    /// Lines of <paramref name="source"/> that name one of <paramref name="features"/>: a using, a namespace or a
    /// qualified <c>Features.X.</c> name. <c>http.Features.Get</c> (ASP.NET Core's feature collection) is not a feature.
    /// </summary>
    public static IEnumerable<(int Line, string Text)> FeatureReferences(string source, IEnumerable<string> features)
    {
        var names = string.Join("|", features.Select(Regex.Escape));
        var pattern = new Regex($@"(?<![\w.])(StationMap\.Api\.)?Features\.({names})\b");
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var code = lines[i].TrimStart();
            if (code.StartsWith("//", StringComparison.Ordinal)) continue;
            var apiNamespace = Regex.IsMatch(code, $@"\bStationMap\.Api\.Features\.({names})\b");
            if (apiNamespace || pattern.IsMatch(code)) yield return (i + 1, lines[i].Trim());
        }
    }

    static IEnumerable<string> Sources(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    static List<string> Violations(string dir, string[] features) =>
        [.. Sources(dir).SelectMany(f => FeatureReferences(File.ReadAllText(f), features)
            .Select(v => $"{Path.GetRelativePath(Root, f)}:{v.Line}: {v.Text}"))];

    [Fact]
    public void Infrastructure_uses_no_feature()
    {
        var features = FeatureNames();
        Assert.Contains("Stations", features);
        var found = Violations(Path.Combine(Api, "Infrastructure"), features);
        Assert.True(found.Count == 0, "Infrastructure/ must use no feature:\n" + string.Join("\n", found));
    }

    [Fact]
    public void Routing_feature_does_not_use_stations()
    {
        var found = Violations(Path.Combine(Api, "Features", "Routing"), ["Stations"]);
        Assert.True(found.Count == 0, "Features/Routing must not use Features/Stations (ranking by time lives in Stations):\n" + string.Join("\n", found));
    }

    [Fact]
    public void Routing_library_uses_nothing_of_the_api()
    {
        var found = Sources(Path.Combine(Root, "api", "StationMap.Routing"))
            .SelectMany(f => File.ReadAllLines(f).Select((l, i) => (f, i, l)))
            .Where(x => x.l.Contains("StationMap.Api", StringComparison.Ordinal))
            .Select(x => $"{Path.GetRelativePath(Root, x.f)}:{x.i + 1}: {x.l.Trim()}").ToList();
        Assert.True(found.Count == 0, "StationMap.Routing must not use the API:\n" + string.Join("\n", found));
    }

    /// <summary>A loop among <paramref name="uses"/> (feature → the features it uses), as "A -> B -> A", or null.</summary>
    public static string? FindLoop(IReadOnlyDictionary<string, string[]> uses)
    {
        var state = new Dictionary<string, int>();   // 1 = on the current path, 2 = done
        var path = new List<string>();
        string? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in uses.GetValueOrDefault(node, []))
            {
                if (state.GetValueOrDefault(next) == 1) return string.Join(" -> ", path.Skip(path.IndexOf(next)).Append(next));
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } loop) return loop;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in uses.Keys.Order())
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } loop) return loop;
        return null;
    }

    [Fact]
    public void Features_use_each_other_in_no_loop()
    {
        var features = FeatureNames();
        var uses = features.ToDictionary(f => f, f => features.Where(other => other != f
            && Violations(Path.Combine(Api, "Features", f), [other]).Count > 0).ToArray());
        Assert.Contains("Routing", uses["Stations"]);   // ranking by travel time: Stations uses Routing
        Assert.Null(FindLoop(uses));
    }

    [Fact]
    public void The_loop_check_finds_a_loop_and_accepts_a_chain()
    {
        Assert.Equal("Routing -> Stations -> Routing", FindLoop(new Dictionary<string, string[]> { ["Stations"] = ["Routing"], ["Routing"] = ["Stations"] }));
        Assert.Null(FindLoop(new Dictionary<string, string[]> { ["Planning"] = ["Coverage", "Stations"], ["Coverage"] = ["Stations"], ["Stations"] = [] }));
    }

    [Theory]
    [InlineData("using StationMap.Api.Features.Stations;", true)]
    [InlineData("namespace StationMap.Api.Features.Routing;", true)]
    [InlineData("    services.AddSingleton<Features.Routing.GraphHost>();", true)]
    [InlineData("    var db = sp.GetRequiredService<StationMap.Api.Features.Stations.StationsDb>();", true)]
    [InlineData("    if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { } f) { }", false)]
    [InlineData("using Microsoft.AspNetCore.Http.Features;", false)]
    [InlineData("public sealed record FeatureCollection<T>(IReadOnlyList<Feature<T>> Features);", false)]
    [InlineData("// moved out of Features.Stations on purpose", false)]
    public void The_check_tells_a_feature_from_the_http_feature_collection(string line, bool isReference) =>
        Assert.Equal(isReference, FeatureReferences(line, ["Routing", "Stations"]).Any());
}
