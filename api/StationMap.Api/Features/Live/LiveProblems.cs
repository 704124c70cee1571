using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <summary>The live layer's problems (listed in <see cref="Problems.All"/> and the README table).</summary>
public static class LiveProblems
{
    public static readonly ProblemKind DeviceTokenRequired = new("device-token-required", 401,
        "A device token is required.", "a check-in or report without X-Device-Token, or with an unknown or revoked one (POST /api/v1/devices issues one)");
    public static readonly ProblemKind DeviceBlocked = new("device-blocked", 403,
        "This device is blocked.", "a moderator blocked the device that sent the check-in or report");
    public static readonly ProblemKind OperatorScope = new("operator-scope", 403,
        "This operator key may not speak for this station.", "an operator key changing the live state or tickets of a station of another operator");
    public static readonly ProblemKind DeviceNotFound = new("unknown-device", 404,
        "No such device.", "blocking or unblocking a device id that does not exist");
    public static readonly ProblemKind TooFar = new("too-far", 422,
        "Too far from the station.", "a check-in or report sent from farther than the geofence (300 m by default) from the station");
}
