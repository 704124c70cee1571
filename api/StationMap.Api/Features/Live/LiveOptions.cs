namespace StationMap.Api.Features.Live;

/// <summary>
/// Settings of <c>StationMap:Live</c> (README, "Live state: settings"). Every number here is a
/// default that a deployment may change; the tests set their own.
/// </summary>
public sealed class LiveOptions
{
    /// <summary>A check-in or report farther than this from the station (metres, ellipsoidal) is refused with 422.</summary>
    public double GeofenceMetres { get; set; } = 300;

    /// <summary>A live value whose decayed confidence falls below this is no longer shown (the typical value is, instead).</summary>
    public double MinConfidence { get; set; } = 0.1;

    /// <summary>nearest?seats=available leaves out stations full now with at least this confidence.</summary>
    public double FullConfidence { get; set; } = 0.5;

    /// <summary>Signals older than this are not read by the fusion at all (hours).</summary>
    public double HorizonHours { get; set; } = 72;

    /// <summary>Base weight of a fresh signal by source (before the reporter's trust): sensor &gt; staff &gt; crowd.</summary>
    public Dictionary<string, double> SourceWeight { get; set; } = new()
    {
        [LiveSources.Sensor] = 0.95,
        [LiveSources.Staff] = 0.9,
        [LiveSources.Crowd] = 0.7,
    };

    /// <summary>
    /// Half-life in minutes of a signal's weight, by field and source: "crowding.crowd" = 20 means a
    /// courier's crowding check-in counts half as much after 20 minutes. Fields: crowding, seats_free,
    /// occupancy, charged_available, operating, amenity.
    /// </summary>
    public Dictionary<string, double> HalfLifeMinutes { get; set; } = new()
    {
        ["crowding.crowd"] = 20,
        ["crowding.staff"] = 30,
        ["crowding.sensor"] = 10,
        ["seats_free.crowd"] = 15,
        ["seats_free.staff"] = 30,
        ["seats_free.sensor"] = 5,
        ["occupancy.crowd"] = 15,
        ["occupancy.staff"] = 30,
        ["occupancy.sensor"] = 5,
        ["charged_available.crowd"] = 20,
        ["charged_available.staff"] = 30,
        ["charged_available.sensor"] = 5,
        ["operating.crowd"] = 60,
        ["operating.staff"] = 240,
        ["operating.sensor"] = 60,
        ["amenity.crowd"] = 720,
        ["amenity.staff"] = 2880,
        ["amenity.sensor"] = 1440,
    };

    public TrustOptions Trust { get; set; } = new();
    public LiveLimitOptions Limits { get; set; } = new();
    public TypicalOptions Typical { get; set; } = new();

    /// <summary>The feed's ttl (seconds): how long a client may keep an answer; the feed's values are computed at the start of each ttl window, so its ETag holds for that long.</summary>
    public int FeedTtlSeconds { get; set; } = 30;

    /// <summary>The stream's keep-alive comment interval (seconds), under the idle timeouts of proxies.</summary>
    public int StreamHeartbeatSeconds { get; set; } = 15;

    /// <summary>How long live_change rows are kept for resuming streams (hours); older Last-Event-IDs get a reset event.</summary>
    public double ChangeRetentionHours { get; set; } = 24;

    public double HalfLife(string field, string source) =>
        HalfLifeMinutes.TryGetValue($"{field}.{source}", out var m) && m > 0 ? m : 30;

    public double Weight(string source) => SourceWeight.TryGetValue(source, out var w) ? w : 0.5;
}

/// <summary>How devices earn and lose trust (0–1).</summary>
public sealed class TrustOptions
{
    /// <summary>A new device's trust: one fresh check-in from it then weighs 0.7 × 0.8 = 0.56, enough to mark a station full.</summary>
    public double Initial { get; set; } = 0.8;
    /// <summary>Gained each time a report of the device is later confirmed by another device, staff or a sensor.</summary>
    public double ConfirmedGain { get; set; } = 0.05;
    /// <summary>Lost each time staff, a sensor or a moderator contradicts the device.</summary>
    public double ContradictedLoss { get; set; } = 0.15;
    public double Minimum { get; set; } = 0.05;
    public double Maximum { get; set; } = 1.0;
    /// <summary>Reports from devices below this trust go to the moderation queue.</summary>
    public double ModerationBelow { get; set; } = 0.4;
    /// <summary>Independent devices whose reports make a fault public (confirmed).</summary>
    public int DevicesToConfirm { get; set; } = 2;
}

/// <summary>Limits of the live writes (429 with Retry-After), counted in fixed windows.</summary>
public sealed class LiveLimitOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Signals per device per window.</summary>
    public int PerDevice { get; set; } = 20;
    public int PerDeviceWindowSeconds { get; set; } = 600;
    /// <summary>Check-ins of one device at one station per window (a second one within it is refused).</summary>
    public int PerDeviceStation { get; set; } = 3;
    public int PerDeviceStationWindowSeconds { get; set; } = 600;
    /// <summary>Signals per client address per window (a courier depot's Wi-Fi carries many phones).</summary>
    public int PerAddress { get; set; } = 600;
    public int PerAddressWindowSeconds { get; set; } = 600;
    /// <summary>Crowd signals per station per window.</summary>
    public int PerStation { get; set; } = 300;
    public int PerStationWindowSeconds { get; set; } = 600;
    /// <summary>New device tokens per client address per window.</summary>
    public int DevicesPerAddress { get; set; } = 20;
    public int DevicesPerAddressWindowSeconds { get; set; } = 3600;
}

/// <summary>The 7 × 24 typical crowding profile.</summary>
public sealed class TypicalOptions
{
    /// <summary>Check-ins of the last this many days count.</summary>
    public int WindowDays { get; set; } = 56;
    /// <summary>An hour needs at least this many check-ins before its typical value is given.</summary>
    public int MinSamples { get; set; } = 3;
}
