namespace StationMap.Api.Infrastructure.Instances;

/// <summary>
/// This API process's name among the instances on one database: <c>StationMap:InstanceId</c> when set
/// (e.g. "api1" by a cluster script), otherwise host name, process id and a random suffix. It names
/// the process in <c>GET /api/v1/status</c>, in the leadership connection's application_name (so any
/// instance can tell who holds a job's lock) and in the service-area computation log.
/// </summary>
public sealed class InstanceIdentity
{
    public InstanceIdentity(IConfiguration config)
    {
        var configured = config["StationMap:InstanceId"];
        Id = !string.IsNullOrWhiteSpace(configured) ? Clean(configured)
            : Clean($"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..4]}");
    }

    public string Id { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Letters, digits, '-', '_' and '.', at most 40 characters: fits application_name (63 bytes) after its prefix.</summary>
    static string Clean(string value)
    {
        var chars = value.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(40).ToArray();
        return chars.Length == 0 ? "instance" : new string(chars);
    }
}
