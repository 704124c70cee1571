using StationMap.Api.Features.Stations;
namespace StationMap.Api.Features.Live;

/// <summary>
/// A station's typical crowding by local weekday and hour (7 × 24 cells, Monday first), learned from
/// its check-ins: each check-in scores 0 (empty), 1 (some_seats) or 2 (full) in the cell of its local
/// time; a cell's typical value is the mean score, read back as empty (&lt; 0.5), some_seats (&lt; 1.5)
/// or full, and given only from <see cref="TypicalOptions.MinSamples"/> check-ins on. Counts are of the
/// last <see cref="TypicalOptions.WindowDays"/> days (the state reloads them hourly). Thread-safe.
/// </summary>
public sealed class TypicalProfile
{
    public static readonly string[] Weekdays = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    readonly int[] _samples = new int[7 * 24];
    readonly double[] _scores = new double[7 * 24];

    public static double Score(string crowding) => crowding switch { "empty" => 0, "some_seats" => 1, _ => 2 };

    public static string Crowding(double score) => score < 0.5 ? "empty" : score < 1.5 ? "some_seats" : "full";

    /// <summary>Cell of a local time: Monday 00:00–00:59 is 0, Sunday 23:00–23:59 is 167.</summary>
    public static int Cell(DateTime local) => ((int)local.DayOfWeek + 6) % 7 * 24 + local.Hour;

    public void Add(int cell, int samples, double scoreSum)
    {
        lock (_samples)
        {
            _samples[cell] += samples;
            _scores[cell] += scoreSum;
        }
    }

    public void Add(DateTimeOffset observedAt, TimeZoneInfo zone, string crowding) =>
        Add(Cell(TimeZoneInfo.ConvertTime(observedAt, zone).DateTime), 1, Score(crowding));

    /// <summary>The typical value at <paramref name="now"/> in the station's zone, or null with too few check-ins.</summary>
    public TypicalNow? At(DateTimeOffset now, TimeZoneInfo zone, int minSamples)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var cell = Cell(local);
        int n; double sum;
        lock (_samples) { n = _samples[cell]; sum = _scores[cell]; }
        if (n < Math.Max(1, minSamples)) return null;
        var mean = sum / n;
        return new TypicalNow(Crowding(mean), Math.Round(mean, 2), n, Weekdays[cell / 24], local.Hour);
    }

    /// <summary>The whole profile: mean scores (null where there are fewer than <paramref name="minSamples"/>) and sample counts, [weekday][hour].</summary>
    public TypicalProfileView View(int windowDays, int minSamples)
    {
        var scores = new double?[7][];
        var samples = new int[7][];
        lock (_samples)
        {
            for (var d = 0; d < 7; d++)
            {
                scores[d] = new double?[24];
                samples[d] = new int[24];
                for (var h = 0; h < 24; h++)
                {
                    var n = _samples[d * 24 + h];
                    samples[d][h] = n;
                    scores[d][h] = n >= Math.Max(1, minSamples) ? Math.Round(_scores[d * 24 + h] / n, 2) : null;
                }
            }
        }
        return new TypicalProfileView(windowDays, Weekdays, scores, samples);
    }
}

/// <summary>
/// A 7 × 24 typical crowding profile: scores[weekday][hour] is the mean check-in score (0 empty, 1 some_seats,
/// 2 full; null with too few check-ins), samples[weekday][hour] the check-ins counted, weekdays Mo … Su, hours 0–23 local.
/// </summary>
public sealed record TypicalProfileView(int WindowDays, IReadOnlyList<string> Weekdays, double?[][] Scores, int[][] Samples);
