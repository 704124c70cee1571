using NetTopologySuite.Geometries;

namespace StationMap.Api.Features.Stations;

/// <summary>A rest station for outdoor workers (table <c>station</c>).</summary>
public sealed class Station
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? NameEn { get; set; }
    public string? Address { get; set; }
    public string? District { get; set; }

    /// <summary>WGS-84 point, <c>geography(Point,4326)</c>; GiST index <c>station_location_gist</c>.</summary>
    public Point Location { get; set; } = null!;

    /// <summary>Generated planar copy of <see cref="Location"/> for bbox filters (<c>station_geom_gist</c>).</summary>
    public Point? Geom { get; private set; }

    public string Tier { get; set; } = StationVocabulary.DefaultTier;
    public string? Operator { get; set; }
    public string? Phone { get; set; }
    public string? OpeningHours { get; set; }
    public string TimeZone { get; set; } = StationVocabulary.DefaultTimeZone;
    public string Status { get; set; } = "open";
    public string? StatusReason { get; set; }
    public int? Capacity { get; set; }

    /// <summary>jsonb object amenity → "yes" | "no" | "unknown"; a missing key is unknown.</summary>
    public string Amenities { get; set; } = "{}";
    public string[] Access { get; set; } = [];

    /// <summary>jsonb array of services on a schedule, [{"kind","description","hours"}] (<see cref="StationServices"/>).</summary>
    public string Services { get; set; } = "[]";

    /// <summary>Generated: the distinct kinds of <see cref="Services"/>, for the any-of service filter (GIN <c>station_service_kinds_gin</c>).</summary>
    public string[] ServiceKinds { get; private set; } = [];
    public DateTimeOffset? VerifiedAt { get; set; }
    public bool IsDemo { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; } = 1;
    public DateTimeOffset? DeletedAt { get; set; }
}
