using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StationMap.Routing;

namespace StationMap.Api.Features.RoadNetwork;

/// <summary>Speed (km/h) a mode may travel an edge forward and backward; null = forbidden that way.</summary>
public readonly record struct ModeSpeeds(double? Forward, double? Backward);

/// <summary>
/// Per-mode speeds and access rules by OSM highway class, loaded from a JSON profile
/// (<c>road-profile.default.json</c> unless <c>--profile FILE</c>). Tag rules on top of the class:
/// one-way (oneway=yes/1/true/-1, junction=roundabout, motorways) binds e-bikes and cars but never
/// walkers, <c>oneway:bicycle=no</c> frees e-bikes; motorways and expressways (motorroad=yes,
/// expressway=yes) are closed to e-bikes and walkers; access/foot/bicycle/motor_vehicle tags apply.
/// </summary>
public sealed class RoadProfile
{
    public sealed record ClassSpeeds(
        [property: JsonPropertyName("walk")] bool Walk,
        [property: JsonPropertyName("ebike_kmh")] double? EbikeKmh,
        [property: JsonPropertyName("car_kmh")] double? CarKmh);

    [JsonPropertyName("walk_kmh")] public double WalkKmh { get; init; } = 5;
    [JsonPropertyName("steps_walk_kmh")] public double StepsWalkKmh { get; init; } = 3;
    [JsonPropertyName("ebike_cap_kmh")] public double EbikeCapKmh { get; init; } = 25;
    [JsonPropertyName("classes")] public Dictionary<string, ClassSpeeds> Classes { get; init; } = [];

    static readonly HashSet<string> No = ["no", "private", "agricultural", "forestry", "emergency"];
    static readonly HashSet<string> Yes = ["yes", "1", "true"];

    public static RoadProfile Default()
    {
        using var stream = typeof(RoadProfile).Assembly.GetManifestResourceStream("StationMap.Api.RoadNetwork.road-profile.default.json")
            ?? throw new InvalidOperationException("The default road profile is not embedded.");
        return Parse(stream, "road-profile.default.json");
    }

    public static RoadProfile Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    static RoadProfile Parse(Stream stream, string name)
    {
        RoadProfile? profile;
        try { profile = JsonSerializer.Deserialize<RoadProfile>(stream); }
        catch (JsonException e) { throw new FormatException($"{name} is not a valid road profile: {e.Message}"); }
        if (profile is null || profile.Classes.Count == 0) throw new FormatException($"{name} has no road classes.");
        if (profile.WalkKmh <= 0 || profile.EbikeCapKmh <= 0) throw new FormatException($"{name}: speeds must be positive.");
        return profile;
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>True when the way is part of the routable network at all.</summary>
    public bool IsRoutable(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue("highway", out var hw) && Classes.ContainsKey(hw) && Tag(tags, "area") != "yes";

    /// <summary>Speeds per mode (indexed by <see cref="TravelMode"/>) for a way's tags.</summary>
    public ModeSpeeds[] Evaluate(IReadOnlyDictionary<string, string> tags)
    {
        var result = new ModeSpeeds[TravelModes.Count];
        if (!tags.TryGetValue("highway", out var hw) || !Classes.TryGetValue(hw, out var cls)) return result;

        var access = Tag(tags, "access");
        var generalNo = access is not null && No.Contains(access);
        var expressway = hw is "motorway" or "motorway_link" || Yes.Contains(Tag(tags, "motorroad") ?? "") || Yes.Contains(Tag(tags, "expressway") ?? "");

        // Walking: never one-way.
        var foot = Tag(tags, "foot");
        var walkAllowed = cls.Walk && !expressway && (foot is null ? !generalNo : !No.Contains(foot));
        if (foot is "yes" or "designated" && !expressway) walkAllowed = true;
        var walk = hw == "steps" ? StepsWalkKmh : WalkKmh;
        result[(int)TravelMode.Walk] = walkAllowed ? new ModeSpeeds(walk, walk) : default;

        var oneway = OneWay(tags, hw);

        // E-bikes (electric bicycles): bicycle tags apply; oneway:bicycle=no frees them.
        var bicycle = Tag(tags, "bicycle");
        var ebikeKmh = cls.EbikeKmh;
        if (ebikeKmh is null && bicycle is "yes" or "designated") ebikeKmh = Classes.GetValueOrDefault("cycleway")?.EbikeKmh ?? 15;
        var ebikeAllowed = ebikeKmh is not null && !expressway && (bicycle is null ? !generalNo : !No.Contains(bicycle));
        if (ebikeAllowed)
        {
            var speed = Math.Min(ebikeKmh!.Value, EbikeCapKmh);
            var bikeOneway = Tag(tags, "oneway:bicycle") is "no" || Tag(tags, "cycleway") is "opposite" or "opposite_lane" ? 0 : oneway;
            result[(int)TravelMode.Ebike] = Directed(speed, bikeOneway);
        }

        // Cars: motor_vehicle / motorcar tags; a lower maxspeed caps the class speed.
        var motor = Tag(tags, "motorcar") ?? Tag(tags, "motor_vehicle");
        var carAllowed = cls.CarKmh is not null && (motor is null ? !generalNo : !No.Contains(motor));
        if (carAllowed)
        {
            var speed = cls.CarKmh!.Value;
            if (MaxSpeed(Tag(tags, "maxspeed")) is { } max) speed = Math.Min(speed, max);
            result[(int)TravelMode.Car] = Directed(speed, oneway);
        }
        return result;
    }

    /// <summary>0 two-way, 1 forward only, -1 backward only.</summary>
    static int OneWay(IReadOnlyDictionary<string, string> tags, string highway)
    {
        var value = Tag(tags, "oneway");
        if (value is "-1" or "reverse") return -1;
        if (value is not null && Yes.Contains(value)) return 1;
        if (value is "no") return 0;
        return Tag(tags, "junction") is "roundabout" or "circular" || highway is "motorway" ? 1 : 0;
    }

    static ModeSpeeds Directed(double speed, int oneway) => oneway switch
    {
        1 => new ModeSpeeds(speed, null),
        -1 => new ModeSpeeds(null, speed),
        _ => new ModeSpeeds(speed, speed),
    };

    static double? MaxSpeed(string? value)
    {
        if (value is null) return null;
        var text = value.Trim();
        var mph = text.EndsWith("mph", StringComparison.OrdinalIgnoreCase);
        if (mph) text = text[..^3].Trim();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? (mph ? v * 1.609 : v) : null;
    }

    static string? Tag(IReadOnlyDictionary<string, string> tags, string key) =>
        tags.TryGetValue(key, out var v) ? v.Trim().ToLowerInvariant() : null;
}
