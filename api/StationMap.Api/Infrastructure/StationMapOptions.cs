namespace StationMap.Api.Infrastructure;

/// <summary>Settings from the "StationMap" configuration section (or STATIONMAP_ environment variables).</summary>
public sealed class StationMapOptions
{
    /// <summary>A MapLibre style URL; null = the client's built-in offline style (no external tiles).</summary>
    public string? BasemapStyleUrl { get; set; }
    /// <summary>Attribution the basemap requires, e.g. "© OpenStreetMap contributors".</summary>
    public string[]? BasemapAttribution { get; set; }
    public double DefaultCenterLon { get; set; } = 120.16;
    public double DefaultCenterLat { get; set; } = 30.27;
    public double DefaultZoom { get; set; } = 13;
    /// <summary>Server-side cap on one SQL statement, so an abandoned request does not keep the database busy.</summary>
    public int StatementTimeoutSeconds { get; set; } = 15;
    /// <summary>Fill the coverage caches (demand snaps, access fields) in the background when a road graph loads.</summary>
    public bool WarmCoverageCaches { get; set; } = true;
    /// <summary>Retry-After (seconds) on the 503 answered while the database is unreachable.</summary>
    public int DatabaseRetryAfterSeconds { get; set; } = 5;
    /// <summary>With ConnectionStrings:Read set: seconds after a successful write during which that client's reads go to the primary.</summary>
    public int ReadYourWritesSeconds { get; set; } = 5;
}
