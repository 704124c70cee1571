using System.Collections.Concurrent;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// One version of one station as the nearest index holds it: the row's columns, its position as a
/// unit vector (for the spatial tree) and as PostGIS normalises it (for exact distances), filter
/// bit masks, and its opening hours parsed once. A change to the row makes a new record; the
/// record's open-state cache is therefore keyed by id + version (+ xmin, for direct SQL edits).
/// </summary>
internal sealed class StationIndexRecord
{
    public required Station Row { get; init; }
    /// <summary>The row version's transaction id (<c>xmin</c>): changes with every UPDATE, also ones that do not bump version.</summary>
    public required uint Xmin { get; init; }

    public long Id => Row.Id;
    /// <summary>Unit vector of the geodetic lat/lon on a sphere (x towards 0°E on the equator, z north).</summary>
    public double X, Y, Z;
    public Geodesic.Normalized Position;
    /// <summary>Bit i set when amenity <see cref="StationVocabulary.Amenities"/>[i] is "yes".</summary>
    public int AmenitiesYes;
    /// <summary>Bit of the tier in <see cref="StationVocabulary.Tiers"/>; 0 for a tier outside it.</summary>
    public int TierBit;
    public IReadOnlyDictionary<string, string> AmenityValues = null!;
    public OpeningHoursSchedule? Schedule;
    public TimeZoneInfo Zone = null!;

    /// <summary>Generation of the index snapshot from which this record is no longer current (long.MaxValue while it is).</summary>
    public long SupersededAt = long.MaxValue;

    sealed record CachedState(DateTimeOffset From, DateTimeOffset Until, OpenStateView State);
    volatile CachedState? _state;

    static readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, string> Values, int Yes)> AmenityCache = new(StringComparer.Ordinal);

    public static StationIndexRecord From(Station row, uint xmin)
    {
        var lon = row.Location.X;
        var lat = row.Location.Y;
        double rlat = lat * Math.PI / 180, rlon = lon * Math.PI / 180;
        var (amenities, yes) = Amenities(row.Amenities);
        var tier = Array.IndexOf(StationVocabulary.Tiers, row.Tier);
        return new StationIndexRecord
        {
            Row = row,
            Xmin = xmin,
            X = Math.Cos(rlat) * Math.Cos(rlon),
            Y = Math.Cos(rlat) * Math.Sin(rlon),
            Z = Math.Sin(rlat),
            Position = Geodesic.Normalized.Of(lon, lat),
            AmenitiesYes = yes,
            TierBit = tier < 0 ? 0 : 1 << tier,
            AmenityValues = amenities,
            Schedule = row.OpeningHours is null ? null : StationView.Schedules.Get(row.OpeningHours),
            Zone = StationView.Zones.Get(row.TimeZone),
        };
    }

    /// <summary>Shared per distinct jsonb text: most stations repeat a few amenity sets.</summary>
    static (IReadOnlyDictionary<string, string>, int) Amenities(string json)
    {
        if (AmenityCache.Count > 50_000) AmenityCache.Clear();
        return AmenityCache.GetOrAdd(json, j =>
        {
            var values = StationView.AmenityValues(j);
            var yes = 0;
            for (var i = 0; i < StationVocabulary.Amenities.Length; i++)
                if (values[StationVocabulary.Amenities[i]] == "yes") yes |= 1 << i;
            return (values, yes);
        });
    }

    public static int AmenityMask(string[] amenities)
    {
        var mask = 0;
        foreach (var a in amenities) mask |= 1 << Array.IndexOf(StationVocabulary.Amenities, a);
        return mask;
    }

    public static int TierMask(string[] tiers)
    {
        var mask = 0;
        foreach (var t in tiers) mask |= 1 << Array.IndexOf(StationVocabulary.Tiers, t);
        return mask;
    }

    static readonly OpenStateView Unknown = new("unknown", null, null);

    /// <summary>
    /// <see cref="OpenStateView.Of"/> for this station at <paramref name="now"/>, reusing the last
    /// evaluation while the station's local time stays before the schedule's next boundary.
    /// </summary>
    public OpenStateView OpenStateAt(DateTimeOffset now)
    {
        if (Row.Status != "open") return new("closed", null, Row.Status);
        if (Schedule is null) return Unknown;
        var cached = _state;
        if (cached is not null && cached.From <= now && now < cached.Until) return cached.State;
        var context = new EvaluationContext(Zone, Row.Location.Y, Row.Location.X, HolidayCalendar.None);
        var s = Schedule.Evaluate(now, context, out var until);
        var view = new OpenStateView(OpenStateView.Name(s.Status), s.NextChange, s.Comment);
        _state = new CachedState(now, until, view);
        return view;
    }

    /// <summary>The WGS-84 view without open state and distance, made on first use (navigation links are string work).</summary>
    StationView? _view;

    public StationView ToView(Crs crs, DateTimeOffset now, double distanceM)
    {
        var s = Row;
        var view = _view ??= new StationView(
            s.Id, s.Name, s.NameEn, s.Address, s.District, Math.Round(s.Location.X, 7), Math.Round(s.Location.Y, 7), s.Tier, s.Operator,
            s.Phone, s.OpeningHours, s.TimeZone, s.Status, s.StatusReason, s.Capacity,
            AmenityValues, s.Access, s.VerifiedAt, s.CreatedAt, s.UpdatedAt, s.Version, s.IsDemo,
            Unknown, Navigation.For(s.Location.X, s.Location.Y, s.Name, "ebike"));
        if (crs == Crs.Wgs84)
            return view with { OpenState = OpenStateAt(now), DistanceM = Math.Round(distanceM, 1) };
        var (lon, lat) = CoordinateSystems.FromWgs84(crs, s.Location.X, s.Location.Y);
        return view with { Lon = Math.Round(lon, 7), Lat = Math.Round(lat, 7), OpenState = OpenStateAt(now), DistanceM = Math.Round(distanceM, 1) };
    }
}
