namespace StationMap.Api.Features.Stations;

/// <summary>The closed vocabularies of the station model; the database CHECK constraints list the same values.</summary>
public static class StationVocabulary
{
    public const string DefaultTier = "standard";
    public const string DefaultTimeZone = "Asia/Shanghai";

    public static readonly string[] Tiers = ["flagship", "standard", "smart_24h", "convenience", "partner"];
    public static readonly string[] Statuses = ["open", "temporarily_closed", "closed_permanently"];
    public static readonly string[] AccessRules = ["all_outdoor_workers", "union_members", "staffed", "qr_door"];
    public static readonly string[] AmenityValues = ["yes", "no", "unknown"];

    /// <summary>Tri-state amenities every station reports (missing = unknown; unknown is not no).</summary>
    public static readonly string[] Amenities =
    [
        "drinking_water", "microwave", "phone_charging", "ebike_charging", "battery_swap", "toilet",
        "air_conditioning", "heating", "seating", "first_aid", "wifi", "fridge", "lockers", "umbrella",
        "repair_tools", "canteen", "legal_aid", "medical_service",
    ];

    /// <summary>Services stations host on a schedule: 义诊, 理发, 法律咨询, 心理咨询, 公益课堂, 送清凉.</summary>
    public static readonly string[] ServiceKinds = ["free_clinic", "haircut", "legal_advice", "counselling", "classes", "summer_drinks"];

    public static bool IsServiceKind(string value) => ServiceKinds.Contains(value, StringComparer.Ordinal);
    public static bool IsTier(string value) => Tiers.Contains(value, StringComparer.Ordinal);
    public static bool IsAmenity(string value) => Amenities.Contains(value, StringComparer.Ordinal);
}
