using System.Text.Json.Nodes;
using StationMap.Api.Hosting.Cli;

namespace StationMap.Tests.OpeningHours;

public sealed class OpeningHoursCommandsTests
{
    static JsonObject[] Run(string verb, params string[] lines)
    {
        var output = new StringWriter();
        Assert.Equal(0, OpeningHoursCommands.Run(verb, new StringReader(string.Join('\n', lines)), output));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
    }

    [Fact]
    public void Evaluates_each_case_at_each_instant_with_its_holidays()
    {
        var answers = Run("opening-hours-eval",
            """{"id":"c1","value":"Mo-Fr 08:00-18:00; PH off","tz":"Asia/Shanghai","lat":30.2741,"lon":120.1551,"ph":{"2026-10-01":"国庆节"},"makeup":["2026-10-10"],"instants":["2026-09-30T02:00:00Z","2026-10-01T02:00:00Z","2026-10-10T02:00:00Z"]}""",
            """{"id":"c2","value":"Mo-Fr 08:00-x","tz":"Asia/Shanghai","instants":["2026-09-30T02:00:00Z"]}""");
        Assert.Equal("c1", (string?)answers[0]["id"]);
        var results = answers[0]["results"]!.AsArray();
        Assert.Equal("""{"state":"open","next_change":"2026-09-30T10:00:00Z","comment":null}""", results[0]!.ToJsonString());
        Assert.Equal("closed", (string?)results[1]!["state"]);
        Assert.Equal("国庆节", (string?)results[1]!["comment"]);
        Assert.Equal("open", (string?)results[2]!["state"]); // a Saturday that is a make-up working day
        Assert.False((bool)answers[1]["ok"]!);
        Assert.Contains("position 13", (string?)answers[1]["error"]);
        Assert.Empty(answers[1]["results"]!.AsArray());
    }

    [Fact]
    public void Solar_times_are_utc_and_null_on_a_polar_day()
    {
        var answers = Run("solar-times",
            """{"date":"2026-06-21","lat":30.2741,"lon":120.1551,"tz":"Asia/Shanghai"}""",
            """{"date":"2026-06-21","lat":69.65,"lon":18.96,"tz":"Europe/Oslo"}""");
        Assert.Equal("2026-06-20T20:58:04Z", (string?)answers[0]["sunrise"]);
        Assert.Equal("2026-06-21T11:04:11Z", (string?)answers[0]["sunset"]);
        Assert.Null(answers[1]["sunrise"]);
        Assert.Null(answers[1]["sunset"]);
    }
}
