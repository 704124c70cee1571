using System.Text.RegularExpressions;

namespace StationMap.Tests.Architecture;

/// <summary>
/// SQL is never built from values (STYLE.md): a command's text may only interpolate compile-time
/// constants (a column list, a LISTEN channel name, which PostgreSQL takes as an identifier, not a
/// parameter); every value travels as a parameter. Read from the source so a spliced value fails here.
/// </summary>
public class SqlTextTests
{
    /// <summary>Names that are <c>const string</c> in the API and may appear in command text.</summary>
    static readonly HashSet<string> Constants = ["Columns", "Channel", "RoadGraphStore.Channel"];

    static readonly Regex Interpolated = new(@"(NpgsqlCommand|CreateCommand|NpgsqlBatchCommand|SqlQuery|ExecuteSql)\(\s*\$(""""""|"")(?<text>.*?)(""""""|"")", RegexOptions.Singleline);

    public static IEnumerable<string> SplicedValues(string source) =>
        Interpolated.Matches(source)
            .SelectMany(m => Regex.Matches(m.Groups["text"].Value, @"(?<!\{)\{(?<hole>[^{}]+)\}(?!\})").Select(h => h.Groups["hole"].Value.Trim()))
            .Where(hole => !Constants.Contains(hole));

    [Fact]
    public void No_command_text_interpolates_a_value()
    {
        var api = Path.Combine(FindRoot(), "api");
        var found = Directory.EnumerateFiles(api, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => SplicedValues(File.ReadAllText(f)).Select(hole => $"{Path.GetRelativePath(api, f)}: {{{hole}}}"))
            .ToList();
        Assert.True(found.Count == 0, "values spliced into SQL text (pass them as parameters):\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_check_sees_a_spliced_value_and_lets_constants_and_parameters_through()
    {
        Assert.Equal(["version"], SplicedValues("new NpgsqlCommand($\"DELETE FROM road_graph WHERE version = {version}\", conn)"));
        Assert.Equal(["srid"], SplicedValues("data.CreateCommand($\"\"\"\n SELECT ST_Transform(g, {srid})\n \"\"\")"));
        Assert.Empty(SplicedValues("new NpgsqlCommand($\"SELECT {Columns} FROM station WHERE id = $1\", conn)"));
        Assert.Empty(SplicedValues("new NpgsqlCommand(\"SELECT 1 WHERE x = $1\", conn)"));
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "StationMap.sln"))) return dir.FullName;
        throw new InvalidOperationException("StationMap.sln not found above " + AppContext.BaseDirectory);
    }
}
