using System.Globalization;

namespace StationMap.Api.Infrastructure.Geo;

/// <summary>Ready-made "navigate there" links; each app gets coordinates in the system it expects.</summary>
public sealed record NavigationLinks(string Amap, string Baidu, string Apple);

public static class Navigation
{
    /// <summary>
    /// Amap's URI API takes GCJ-02 (<c>coordinate=gaode</c>), Baidu's web direction API BD-09
    /// (<c>coord_type=bd09ll</c>), and Apple Maps uses GCJ-02 inside China.
    /// </summary>
    public static NavigationLinks For(double wgsLon, double wgsLat, string name, string mode)
    {
        var (gLon, gLat) = CoordinateSystems.Wgs84ToGcj02(wgsLon, wgsLat);
        var (bLon, bLat) = CoordinateSystems.Gcj02ToBd09(gLon, gLat);
        var label = Uri.EscapeDataString(name);
        var (amapMode, baiduMode, appleFlag) = mode switch
        {
            "walk" => ("walk", "walking", "w"),
            "car" => ("car", "driving", "d"),
            _ => ("ride", "riding", "w"), // e-bike: Amap/Baidu riding; Apple has no cycling directions flag in URLs
        };
        return new NavigationLinks(
            $"https://uri.amap.com/navigation?to={F(gLon)},{F(gLat)},{label}&mode={amapMode}&coordinate=gaode&callnative=1&src=stationmap",
            $"https://api.map.baidu.com/direction?origin={Uri.EscapeDataString("我的位置")}&destination=latlng:{F(bLat)},{F(bLon)}|name:{label}" +
            $"&coord_type=bd09ll&mode={baiduMode}&region={Uri.EscapeDataString("全国")}&output=html&src=stationmap",
            $"https://maps.apple.com/?daddr={F(gLat)},{F(gLon)}&q={label}&dirflg={appleFlag}");
    }

    static string F(double degrees) => degrees.ToString("0.000000", CultureInfo.InvariantCulture);
}
