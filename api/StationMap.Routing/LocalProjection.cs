namespace StationMap.Routing;

/// <summary>
/// A local metric projection around (<see cref="Lon0"/>, <see cref="Lat0"/>): equirectangular, scaled by the
/// WGS-84 radii of curvature at <see cref="Lat0"/>. Affine in lon/lat, so straight lines, containment and
/// orientation carry over unchanged; distances are accurate to well under 1 % within ~50 km of the centre,
/// which is all a city-scale search or raster needs. Units: metres east (x) and north (y) of the centre.
/// </summary>
public readonly struct LocalProjection
{
    private const double SemiMajorM = 6378137.0;
    private const double Flattening = 1 / 298.257223563;
    private const double E2 = Flattening * (2 - Flattening);

    public LocalProjection(double lon0, double lat0)
    {
        Lon0 = lon0;
        Lat0 = lat0;
        var phi = lat0 * Math.PI / 180;
        var s = Math.Sin(phi);
        var w = 1 - E2 * s * s;
        var primeVertical = SemiMajorM / Math.Sqrt(w);
        var meridional = SemiMajorM * (1 - E2) / (w * Math.Sqrt(w));
        MetresPerDegreeLon = primeVertical * Math.Cos(phi) * Math.PI / 180;
        MetresPerDegreeLat = meridional * Math.PI / 180;
    }

    public double Lon0 { get; }
    public double Lat0 { get; }
    public double MetresPerDegreeLon { get; }
    public double MetresPerDegreeLat { get; }

    public double X(double lon) => (lon - Lon0) * MetresPerDegreeLon;
    public double Y(double lat) => (lat - Lat0) * MetresPerDegreeLat;
    public double Lon(double x) => Lon0 + x / MetresPerDegreeLon;
    public double Lat(double y) => Lat0 + y / MetresPerDegreeLat;

    /// <summary>Distance in metres between two WGS-84 points, measured in this projection.</summary>
    public double DistanceM(double lon1, double lat1, double lon2, double lat2)
    {
        var dx = (lon2 - lon1) * MetresPerDegreeLon;
        var dy = (lat2 - lat1) * MetresPerDegreeLat;
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
