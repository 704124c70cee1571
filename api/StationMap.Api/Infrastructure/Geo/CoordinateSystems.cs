namespace StationMap.Api.Infrastructure.Geo;

/// <summary>The coordinate systems Chinese map apps use: WGS-84 (GPS, OSM), GCJ-02 (Amap, Tencent, Apple in China), BD-09 (Baidu).</summary>
public enum Crs { Wgs84, Gcj02, Bd09 }

/// <summary>
/// Conversions between WGS-84, GCJ-02 and BD-09 (degrees). GCJ-02 uses the standard public
/// formula on the Krasovsky ellipsoid; its inverse is solved by fixed-point iteration to 1e-10°
/// (the common one-step inverse is off by up to ~1 m). Outside China no shift is applied.
/// </summary>
public static class CoordinateSystems
{
    const double A = 6378245.0;                    // Krasovsky 1940 semi-major axis, metres
    const double Ee = 0.00669342162296594323;      // Krasovsky 1940 first eccentricity squared
    const double XPi = Math.PI * 3000.0 / 180.0;   // BD-09 rotation constant

    public static bool TryParse(string? value, out Crs crs)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "wgs84": crs = Crs.Wgs84; return true;
            case "gcj02": crs = Crs.Gcj02; return true;
            case "bd09": crs = Crs.Bd09; return true;
            default: crs = Crs.Wgs84; return false;
        }
    }

    public static string Name(Crs crs) => crs switch { Crs.Gcj02 => "gcj02", Crs.Bd09 => "bd09", _ => "wgs84" };

    public static (double Lon, double Lat) ToWgs84(Crs from, double lon, double lat) => from switch
    {
        Crs.Gcj02 => Gcj02ToWgs84(lon, lat),
        Crs.Bd09 => Bd09ToWgs84(lon, lat),
        _ => (lon, lat),
    };

    public static (double Lon, double Lat) FromWgs84(Crs to, double lon, double lat)
    {
        if (to == Crs.Wgs84) return (lon, lat);
        var gcj = Wgs84ToGcj02(lon, lat);
        return to == Crs.Gcj02 ? gcj : Gcj02ToBd09(gcj.Lon, gcj.Lat);
    }

    /// <summary>The usual rough box for mainland China; GCJ-02 leaves coordinates outside it unchanged.</summary>
    public static bool IsOutsideChina(double lon, double lat) => lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

    public static (double Lon, double Lat) Wgs84ToGcj02(double lon, double lat)
    {
        if (IsOutsideChina(lon, lat)) return (lon, lat);
        var (dLon, dLat) = Offset(lon, lat);
        return (lon + dLon, lat + dLat);
    }

    public static (double Lon, double Lat) Gcj02ToWgs84(double lon, double lat)
    {
        if (IsOutsideChina(lon, lat)) return (lon, lat);
        // Solve Wgs84ToGcj02(w) = g: start at g and step by the residual (converges in a few iterations).
        double wLon = lon, wLat = lat;
        for (var i = 0; i < 30; i++)
        {
            var (gLon, gLat) = Wgs84ToGcj02(wLon, wLat);
            var (eLon, eLat) = (gLon - lon, gLat - lat);
            wLon -= eLon;
            wLat -= eLat;
            if (Math.Abs(eLon) < 1e-10 && Math.Abs(eLat) < 1e-10) break;
        }
        return (wLon, wLat);
    }

    public static (double Lon, double Lat) Gcj02ToBd09(double lon, double lat)
    {
        var z = Math.Sqrt(lon * lon + lat * lat) + 0.00002 * Math.Sin(lat * XPi);
        var theta = Math.Atan2(lat, lon) + 0.000003 * Math.Cos(lon * XPi);
        return (z * Math.Cos(theta) + 0.0065, z * Math.Sin(theta) + 0.006);
    }

    /// <summary>
    /// BD-09 → WGS-84 to well under a millimetre: the published BD-09 → GCJ-02 formula is only the approximate
    /// inverse (≈ 1e-6°, 0.1 m), so its result is refined by fixed-point iteration on the exact forward formula.
    /// </summary>
    public static (double Lon, double Lat) Bd09ToWgs84(double lon, double lat)
    {
        var (gLon, gLat) = Bd09ToGcj02(lon, lat);
        for (var i = 0; i < 10; i++)
        {
            var (bLon, bLat) = Gcj02ToBd09(gLon, gLat);
            var (eLon, eLat) = (bLon - lon, bLat - lat);
            gLon -= eLon;
            gLat -= eLat;
            if (Math.Abs(eLon) < 1e-10 && Math.Abs(eLat) < 1e-10) break;
        }
        return Gcj02ToWgs84(gLon, gLat);
    }

    public static (double Lon, double Lat) Bd09ToGcj02(double lon, double lat)
    {
        double x = lon - 0.0065, y = lat - 0.006;
        var z = Math.Sqrt(x * x + y * y) - 0.00002 * Math.Sin(y * XPi);
        var theta = Math.Atan2(y, x) - 0.000003 * Math.Cos(x * XPi);
        return (z * Math.Cos(theta), z * Math.Sin(theta));
    }

    static (double DLon, double DLat) Offset(double lon, double lat)
    {
        double x = lon - 105.0, y = lat - 35.0;
        var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x))
                   + (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0
                   + (20.0 * Math.Sin(y * Math.PI) + 40.0 * Math.Sin(y / 3.0 * Math.PI)) * 2.0 / 3.0
                   + (160.0 * Math.Sin(y / 12.0 * Math.PI) + 320 * Math.Sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
        var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x))
                   + (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0
                   + (20.0 * Math.Sin(x * Math.PI) + 40.0 * Math.Sin(x / 3.0 * Math.PI)) * 2.0 / 3.0
                   + (150.0 * Math.Sin(x / 12.0 * Math.PI) + 300.0 * Math.Sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
        var radLat = lat / 180.0 * Math.PI;
        var magic = 1 - Ee * Math.Sin(radLat) * Math.Sin(radLat);
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (A * (1 - Ee) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (A / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return (dLon, dLat);
    }
}
