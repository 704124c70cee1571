using System.Runtime.InteropServices;

namespace StationMap.Api.Infrastructure.Geo;

/// <summary>
/// Ellipsoidal distance exactly as PostGIS 3 computes <c>ST_Distance(geography, geography)</c> for two
/// points on WGS-84 (SRID 4326): the geodesic inverse problem of GeographicLib's C library
/// (<c>geodesic.c</c> as shipped in PROJ 9, which PostGIS links), ported operation by operation so
/// that the results agree to the last bit given the same libm; PostGIS's degree→radian→degree round
/// trip, its "same point" tolerance and its 10 nm rounding are reproduced in <see cref="PostgisDistance"/>.
/// Distance only (no azimuths, reduced length or area). Metres.
/// </summary>
/// <remarks>
/// The geodesic routines are a translation of GeographicLib's geodesic.c, distributed under the
/// MIT/X11 licence: permission is granted, free of charge, to deal in the software without
/// restriction, provided the copyright and permission notice are included (see
/// https://geographiclib.sourceforge.io/ for the original and its notice).
/// </remarks>
public static class Geodesic
{
    /// <summary>WGS-84 semi-major axis, metres.</summary>
    public const double A = 6378137.0;
    /// <summary>WGS-84 semi-minor axis as PROJ derives it from 1/f = 298.257223563 (metres).</summary>
    public static readonly double B = A * (1 - 1 / 298.257223563);
    /// <summary>PostGIS's spheroid: f recomputed from a and b (<c>spheroid_init</c>).</summary>
    static readonly double F = (A - B) / A;
    /// <summary>Smallest radius of curvature of the ellipsoid (meridional, at the equator): a(1 − e²), metres.
    /// Every geodesic is at least this times the central angle between the points' geodetic directions.</summary>
    public static readonly double MinRadiusOfCurvature;

    const double Qd = 90, Hd = 180, Td = 360;
    const int Order = 6, nA1 = Order, nC1 = Order, nA2 = Order, nC2 = Order, nA3 = Order, nC3 = Order;
    const int nC3x = nC3 * (nC3 - 1) / 2, nC = Order + 1;
    const int MaxIt1 = 20, MaxIt2 = MaxIt1 + 53 + 10;
    static readonly double Tiny = Math.Sqrt(2.2250738585072014e-308); // sqrt(DBL_MIN)
    const double Tol0 = 2.220446049250313e-16;
    const double Tol1 = 200 * Tol0;
    static readonly double Tol2 = Math.Sqrt(Tol0);
    static readonly double Tolb = Tol0 * Tol2;
    static readonly double Xthresh = 1000 * Tol2;
    const double Degree = Math.PI / Hd;

    static readonly double f1, e2, ep2, n, b, etol2;
    static readonly double[] A3x = new double[nA3];
    static readonly double[] C3x = new double[nC3x];

    static Geodesic()
    {
        var f = F;
        f1 = 1 - f;
        e2 = f * (2 - f);
        ep2 = e2 / Sq(f1);
        n = f / (2 - f);
        b = A * f1;
        etol2 = 0.1 * Tol2 / Math.Sqrt(Math.Max(0.001, Math.Abs(f)) * Math.Min(1.0, 1 - f / 2) / 2);
        A3coeff();
        C3coeff();
        MinRadiusOfCurvature = A * (1 - e2);
    }

    /// <summary>
    /// <c>ST_Distance(p1::geography, p2::geography)</c> in metres for WGS-84 lon/lat in degrees:
    /// PostGIS normalises to radians and back, answers 0 for points within 1e-12 rad, and rounds
    /// to 10 nm (<c>geography_distance</c>, ticket #2168).
    /// </summary>
    public static double PostgisDistance(double lon1, double lat1, double lon2, double lat2) =>
        Math.Round(PostgisUnrounded(lon1, lat1, lon2, lat2) * 1e8, MidpointRounding.AwayFromZero) / 1e8;

    /// <summary>The unrounded spheroid distance PostGIS compares in <c>ST_DWithin(geography, geography, d)</c> (metres).</summary>
    public static double PostgisUnrounded(double lon1, double lat1, double lon2, double lat2)
    {
        var (rlat1, rlon1) = (LatitudeRadiansNormalize(Math.PI * lat1 / 180.0), LongitudeRadiansNormalize(Math.PI * lon1 / 180.0));
        var (rlat2, rlon2) = (LatitudeRadiansNormalize(Math.PI * lat2 / 180.0), LongitudeRadiansNormalize(Math.PI * lon2 / 180.0));
        if (Math.Abs(rlat1 - rlat2) <= 1e-12 && Math.Abs(rlon1 - rlon2) <= 1e-12) return 0.0;
        return Distance(rlat1 * 180.0 / Math.PI, rlon1 * 180.0 / Math.PI, rlat2 * 180.0 / Math.PI, rlon2 * 180.0 / Math.PI);
    }

    /// <summary>A point's coordinates as PostGIS hands them to the geodesic code (degrees after the radian round trip) and in radians.</summary>
    public readonly record struct Normalized(double LatDeg, double LonDeg, double LatRad, double LonRad)
    {
        public static Normalized Of(double lon, double lat)
        {
            var rlat = LatitudeRadiansNormalize(Math.PI * lat / 180.0);
            var rlon = LongitudeRadiansNormalize(Math.PI * lon / 180.0);
            return new Normalized(rlat * 180.0 / Math.PI, rlon * 180.0 / Math.PI, rlat, rlon);
        }
    }

    /// <summary>The unrounded PostGIS distance for points normalised once (<see cref="Normalized.Of"/>).</summary>
    public static double PostgisUnrounded(in Normalized p, in Normalized q)
    {
        if (Math.Abs(p.LatRad - q.LatRad) <= 1e-12 && Math.Abs(p.LonRad - q.LonRad) <= 1e-12) return 0.0;
        return Distance(p.LatDeg, p.LonDeg, q.LatDeg, q.LonDeg);
    }

    /// <summary>PostGIS's 10 nm rounding of <c>ST_Distance</c> results.</summary>
    public static double PostgisRound(double metres) => Math.Round(metres * 1e8, MidpointRounding.AwayFromZero) / 1e8;

    static double LongitudeRadiansNormalize(double lon)
    {
        if (lon == -1.0 * Math.PI) return Math.PI;
        if (lon == -2.0 * Math.PI) return 0.0;
        if (lon > 2.0 * Math.PI) lon = Math.IEEERemainder(lon, 2.0 * Math.PI);
        if (lon < -2.0 * Math.PI) lon = Math.IEEERemainder(lon, -2.0 * Math.PI);
        if (lon > Math.PI) lon = -2.0 * Math.PI + lon;
        if (lon < -1.0 * Math.PI) lon = 2.0 * Math.PI + lon;
        if (lon == -2.0 * Math.PI) lon *= -1.0;
        return lon;
    }

    static double LatitudeRadiansNormalize(double lat)
    {
        if (lat > 2.0 * Math.PI) lat = Math.IEEERemainder(lat, 2.0 * Math.PI);
        if (lat < -2.0 * Math.PI) lat = Math.IEEERemainder(lat, -2.0 * Math.PI);
        if (lat > Math.PI) lat = Math.PI - lat;
        if (lat < -1.0 * Math.PI) lat = -1.0 * Math.PI - lat;
        if (lat > Math.PI / 2) lat = Math.PI - lat;
        if (lat < -1.0 * Math.PI / 2) lat = -1.0 * Math.PI - lat;
        return lat;
    }

    /// <summary>Geodesic distance on WGS-84 between two points given in degrees (geod_inverse, distance only), metres.</summary>
    public static double Distance(double lat1, double lon1, double lat2, double lon2)
    {
        Span<double> Ca = stackalloc double[nC];
        double s12x = 0, m12x = 0, sig12, calp1 = 0, salp1 = 0, calp2 = 0, salp2 = 0;

        var lon12 = AngDiff(lon1, lon2, out var lon12s);
        var lonsign = double.IsNegative(lon12) ? -1 : 1;
        lon12 *= lonsign; lon12s *= lonsign;
        var lam12 = lon12 * Degree;
        SinCosDe(lon12, lon12s, out var slam12, out var clam12);
        lon12s = (Hd - lon12) - lon12s;

        lat1 = AngRound(LatFix(lat1));
        lat2 = AngRound(LatFix(lat2));
        var swapp = Math.Abs(lat1) < Math.Abs(lat2) || double.IsNaN(lat2) ? -1 : 1;
        if (swapp < 0) { lonsign *= -1; (lat1, lat2) = (lat2, lat1); }
        var latsign = double.IsNegative(lat1) ? 1 : -1;
        lat1 *= latsign;
        lat2 *= latsign;

        SinCosDx(lat1, out var sbet1, out var cbet1); sbet1 *= f1;
        Norm2(ref sbet1, ref cbet1); cbet1 = Math.Max(Tiny, cbet1);
        SinCosDx(lat2, out var sbet2, out var cbet2); sbet2 *= f1;
        Norm2(ref sbet2, ref cbet2); cbet2 = Math.Max(Tiny, cbet2);

        if (cbet1 < -sbet1)
        {
            if (cbet2 == cbet1) sbet2 = Math.CopySign(sbet1, sbet2);
        }
        else
        {
            if (Math.Abs(sbet2) == -sbet1) cbet2 = cbet1;
        }

        var dn1 = Math.Sqrt(1 + ep2 * Sq(sbet1));
        var dn2 = Math.Sqrt(1 + ep2 * Sq(sbet2));
        var meridian = lat1 == -Qd || slam12 == 0;

        if (meridian)
        {
            calp1 = clam12; salp1 = slam12;
            calp2 = 1; salp2 = 0;
            double ssig1 = sbet1, csig1 = calp1 * cbet1;
            double ssig2 = sbet2, csig2 = calp2 * cbet2;
            sig12 = Math.Atan2(Math.Max(0.0, csig1 * ssig2 - ssig1 * csig2) + 0, csig1 * csig2 + ssig1 * ssig2);
            Lengths(n, sig12, ssig1, csig1, dn1, ssig2, csig2, dn2, out s12x, out m12x, Ca);
            if (sig12 < 1 || m12x >= 0)
            {
                if (sig12 < 3 * Tiny || (sig12 < Tol0 && (s12x < 0 || m12x < 0)))
                    sig12 = m12x = s12x = 0;
                m12x *= b;
                s12x *= b;
            }
            else meridian = false;
        }

        if (!meridian && sbet1 == 0 && (F <= 0 || lon12s >= F * Hd))
        {
            s12x = A * lam12;
        }
        else if (!meridian)
        {
            double dnm = 0;
            sig12 = InverseStart(sbet1, cbet1, dn1, sbet2, cbet2, dn2, lam12, slam12, clam12,
                ref salp1, ref calp1, ref salp2, ref calp2, ref dnm, Ca);
            if (sig12 >= 0)
            {
                s12x = sig12 * b * dnm;
            }
            else
            {
                double ssig1 = 0, csig1 = 0, ssig2 = 0, csig2 = 0, eps = 0;
                double salp1a = Tiny, calp1a = 1, salp1b = Tiny, calp1b = -1;
                bool tripn = false, tripb = false;
                for (var numit = 0; numit < MaxIt2; ++numit)
                {
                    var v = Lambda12(sbet1, cbet1, dn1, sbet2, cbet2, dn2, salp1, calp1, slam12, clam12,
                        out salp2, out calp2, out sig12, out ssig1, out csig1, out ssig2, out csig2, out eps,
                        numit < MaxIt1, out var dv, Ca);
                    if (tripb || !(Math.Abs(v) >= (tripn ? 8 : 1) * Tol0)) break;
                    if (v > 0 && (numit > MaxIt1 || calp1 / salp1 > calp1b / salp1b)) { salp1b = salp1; calp1b = calp1; }
                    else if (v < 0 && (numit > MaxIt1 || calp1 / salp1 < calp1a / salp1a)) { salp1a = salp1; calp1a = calp1; }
                    if (numit < MaxIt1 && dv > 0)
                    {
                        var dalp1 = -v / dv;
                        double sdalp1 = Math.Sin(dalp1), cdalp1 = Math.Cos(dalp1), nsalp1 = salp1 * cdalp1 + calp1 * sdalp1;
                        if (nsalp1 > 0 && Math.Abs(dalp1) < Math.PI)
                        {
                            calp1 = calp1 * cdalp1 - salp1 * sdalp1;
                            salp1 = nsalp1;
                            Norm2(ref salp1, ref calp1);
                            tripn = Math.Abs(v) <= 16 * Tol0;
                            continue;
                        }
                    }
                    salp1 = (salp1a + salp1b) / 2;
                    calp1 = (calp1a + calp1b) / 2;
                    Norm2(ref salp1, ref calp1);
                    tripn = false;
                    tripb = Math.Abs(salp1a - salp1) + (calp1a - calp1) < Tolb || Math.Abs(salp1 - salp1b) + (calp1 - calp1b) < Tolb;
                }
                Lengths(eps, sig12, ssig1, csig1, dn1, ssig2, csig2, dn2, out s12x, out m12x, Ca);
                m12x *= b;
                s12x *= b;
            }
        }
        return 0 + s12x;
    }

    static double Sq(double x) => x * x;

    static double SumX(double u, double v, out double t)
    {
        var s = u + v;
        var up = s - v;
        var vpp = s - up;
        up -= u;
        vpp -= v;
        t = s != 0 ? 0 - (up + vpp) : s;
        return s;
    }

    static double PolyVal(int N, ReadOnlySpan<double> p, double x)
    {
        var i = 0;
        var y = N < 0 ? 0 : p[i++];
        while (--N >= 0) y = y * x + p[i++];
        return y;
    }

    // glibc's hypot, as geodesic.c calls it; a managed fallback where libm cannot be loaded.
    [DllImport("libm.so.6", EntryPoint = "hypot"), SuppressGCTransition]
    static extern double LibmHypot(double x, double y);

    static readonly bool HasLibm = ProbeLibm();

    static bool ProbeLibm()
    {
        try { return LibmHypot(3, 4) == 5; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException) { return false; }
    }

    static double Hypot(double x, double y) => HasLibm ? LibmHypot(x, y) : double.Hypot(x, y);

    static void Norm2(ref double sinx, ref double cosx)
    {
        var r = Hypot(sinx, cosx);
        sinx /= r;
        cosx /= r;
    }

    static double LatFix(double x) => Math.Abs(x) > Qd ? double.NaN : x;

    static double AngDiff(double x, double y, out double e)
    {
        var d = SumX(Math.IEEERemainder(-x, Td), Math.IEEERemainder(y, Td), out var t);
        d = SumX(Math.IEEERemainder(d, Td), t, out t);
        if (d == 0 || Math.Abs(d) == Hd) d = Math.CopySign(d, t == 0 ? y - x : -t);
        e = t;
        return d;
    }

    static double AngRound(double x)
    {
        const double z = 1.0 / 16.0;
        var y = Math.Abs(x);
        var w = z - y;
        y = w > 0 ? z - w : y;
        return Math.CopySign(y, x);
    }

    /// <summary>C's remquo(x, 90): the IEEE remainder and the low bits of the rounded quotient.</summary>
    static double RemQuo90(double x, out int q)
    {
        var r = Math.IEEERemainder(x, Qd);
        q = (int)Math.Round((x - r) / Qd);
        return r;
    }

    static void SinCosDx(double x, out double sinx, out double cosx)
    {
        var r = RemQuo90(x, out var q);
        SinCosQuadrant(r, q, x, out sinx, out cosx);
    }

    static void SinCosDe(double x, double t, out double sinx, out double cosx)
    {
        var r = AngRound(RemQuo90(x, out var q) + t);
        SinCosQuadrant(r, q, x, out sinx, out cosx);
    }

    /// <summary>sin and cos of <paramref name="r"/> degrees (|r| ≤ 45) turned by <paramref name="q"/> quarter turns, signed zeros as geodesic.c keeps them.</summary>
    static void SinCosQuadrant(double r, int q, double x, out double sinx, out double cosx)
    {
        r *= Degree;
        double s = Math.Sin(r), c = Math.Cos(r);
        switch ((uint)q & 3U)
        {
            case 0U: sinx = s; cosx = c; break;
            case 1U: sinx = c; cosx = -s; break;
            case 2U: sinx = -s; cosx = -c; break;
            default: sinx = -c; cosx = s; break;
        }
        cosx += 0;
        if (sinx == 0) sinx = Math.CopySign(sinx, x);
    }

    static double SinCosSeries(bool sinp, double sinx, double cosx, ReadOnlySpan<double> c, int n)
    {
        var i = n + (sinp ? 1 : 0);
        var ar = 2 * (cosx - sinx) * (cosx + sinx);
        double y0 = (n & 1) != 0 ? c[--i] : 0, y1 = 0;
        n /= 2;
        while (n-- != 0)
        {
            y1 = ar * y0 - y1 + c[--i];
            y0 = ar * y1 - y0 + c[--i];
        }
        return sinp ? 2 * sinx * cosx * y0 : cosx * (y0 - y1);
    }

    /// <summary>Lengths with ps12b and pm12b requested (as geod_inverse's callers use it).</summary>
    static void Lengths(double eps, double sig12, double ssig1, double csig1, double dn1, double ssig2, double csig2, double dn2,
        out double s12b, out double m12b, Span<double> Ca)
    {
        Span<double> Cb = stackalloc double[nC];
        var A1 = A1m1f(eps);
        C1f(eps, Ca);
        var A2 = A2m1f(eps);
        C2f(eps, Cb);
        var m0 = A1 - A2;
        A2 = 1 + A2;
        A1 = 1 + A1;
        var B1 = SinCosSeries(true, ssig2, csig2, Ca, nC1) - SinCosSeries(true, ssig1, csig1, Ca, nC1);
        s12b = A1 * (sig12 + B1);
        var B2 = SinCosSeries(true, ssig2, csig2, Cb, nC2) - SinCosSeries(true, ssig1, csig1, Cb, nC2);
        var J12 = m0 * sig12 + (A1 * B1 - A2 * B2);
        m12b = dn2 * (csig1 * ssig2) - dn1 * (ssig1 * csig2) - csig1 * csig2 * J12;
    }

    /// <summary>Lengths with only pm12b requested (Lambda12's derivative).</summary>
    static double ReducedLength(double eps, double sig12, double ssig1, double csig1, double dn1, double ssig2, double csig2, double dn2, Span<double> Ca)
    {
        Span<double> Cb = stackalloc double[nC];
        var A1 = A1m1f(eps);
        C1f(eps, Ca);
        var A2 = A2m1f(eps);
        C2f(eps, Cb);
        var m0 = A1 - A2;
        A2 = 1 + A2;
        A1 = 1 + A1;
        for (var l = 1; l <= nC2; ++l) Cb[l] = A1 * Ca[l] - A2 * Cb[l];
        var J12 = m0 * sig12 + (SinCosSeries(true, ssig2, csig2, Cb, nC2) - SinCosSeries(true, ssig1, csig1, Cb, nC2));
        return dn2 * (csig1 * ssig2) - dn1 * (ssig1 * csig2) - csig1 * csig2 * J12;
    }

    static double Astroid(double x, double y)
    {
        double k;
        double p = Sq(x), q = Sq(y), r = (p + q - 1) / 6;
        if (!(q == 0 && r <= 0))
        {
            double S = p * q / 4, r2 = Sq(r), r3 = r * r2, disc = S * (S + 2 * r3);
            var u = r;
            if (disc >= 0)
            {
                var T3 = S + r3;
                T3 += T3 < 0 ? -Math.Sqrt(disc) : Math.Sqrt(disc);
                var T = Math.Cbrt(T3);
                u += T + (T != 0 ? r2 / T : 0);
            }
            else
            {
                var ang = Math.Atan2(Math.Sqrt(-disc), -(S + r3));
                u += 2 * r * Math.Cos(ang / 3);
            }
            var v = Math.Sqrt(Sq(u) + q);
            var uv = u < 0 ? q / (v - u) : u + v;
            var w = (uv - q) / (2 * v);
            k = uv / (Math.Sqrt(uv + Sq(w)) + w);
        }
        else k = 0;
        return k;
    }

    static double InverseStart(double sbet1, double cbet1, double dn1, double sbet2, double cbet2, double dn2,
        double lam12, double slam12, double clam12,
        ref double psalp1, ref double pcalp1, ref double psalp2, ref double pcalp2, ref double pdnm, Span<double> Ca)
    {
        double salp1, calp1, salp2 = 0, calp2 = 0, dnm = 0;
        double sig12 = -1, sbet12 = sbet2 * cbet1 - cbet2 * sbet1, cbet12 = cbet2 * cbet1 + sbet2 * sbet1;
        var shortline = cbet12 >= 0 && sbet12 < 0.5 && cbet2 * lam12 < 0.5;
        double somg12, comg12, ssig12, csig12;
        var sbet12a = sbet2 * cbet1 + cbet2 * sbet1;
        if (shortline)
        {
            var sbetm2 = Sq(sbet1 + sbet2);
            sbetm2 /= sbetm2 + Sq(cbet1 + cbet2);
            dnm = Math.Sqrt(1 + ep2 * sbetm2);
            var omg12 = lam12 / (f1 * dnm);
            somg12 = Math.Sin(omg12); comg12 = Math.Cos(omg12);
        }
        else { somg12 = slam12; comg12 = clam12; }

        salp1 = cbet2 * somg12;
        calp1 = comg12 >= 0 ? sbet12 + cbet2 * sbet1 * Sq(somg12) / (1 + comg12) : sbet12a - cbet2 * sbet1 * Sq(somg12) / (1 - comg12);
        ssig12 = Hypot(salp1, calp1);
        csig12 = sbet1 * sbet2 + cbet1 * cbet2 * comg12;

        if (shortline && ssig12 < etol2)
        {
            salp2 = cbet1 * somg12;
            calp2 = sbet12 - cbet1 * sbet2 * (comg12 >= 0 ? Sq(somg12) / (1 + comg12) : 1 - comg12);
            Norm2(ref salp2, ref calp2);
            sig12 = Math.Atan2(ssig12, csig12);
        }
        else if (Math.Abs(n) > 0.1 || csig12 >= 0 || ssig12 >= 6 * Math.Abs(n) * Math.PI * Sq(cbet1))
        {
            // zeroth order spherical approximation is fine
        }
        else
        {
            double x, y, lamscale, betscale;
            var lam12x = Math.Atan2(-slam12, -clam12);
            // f > 0 for WGS-84
            {
                double k2 = Sq(sbet1) * ep2, eps = k2 / (2 * (1 + Math.Sqrt(1 + k2)) + k2);
                lamscale = F * cbet1 * A3f(eps) * Math.PI;
            }
            betscale = lamscale * cbet1;
            x = lam12x / lamscale;
            y = sbet12a / betscale;

            if (y > -Tol1 && x > -1 - Xthresh)
            {
                salp1 = Math.Min(1.0, -x); calp1 = -Math.Sqrt(1 - Sq(salp1));
            }
            else
            {
                var k = Astroid(x, y);
                var omg12a = lamscale * (-x * k / (1 + k));
                somg12 = Math.Sin(omg12a); comg12 = -Math.Cos(omg12a);
                salp1 = cbet2 * somg12;
                calp1 = sbet12a - cbet2 * sbet1 * Sq(somg12) / (1 - comg12);
            }
        }
        if (!(salp1 <= 0)) Norm2(ref salp1, ref calp1);
        else { salp1 = 1; calp1 = 0; }

        psalp1 = salp1;
        pcalp1 = calp1;
        if (shortline) pdnm = dnm;
        if (sig12 >= 0) { psalp2 = salp2; pcalp2 = calp2; }
        return sig12;
    }

    static double Lambda12(double sbet1, double cbet1, double dn1, double sbet2, double cbet2, double dn2,
        double salp1, double calp1, double slam120, double clam120,
        out double psalp2, out double pcalp2, out double psig12, out double pssig1, out double pcsig1,
        out double pssig2, out double pcsig2, out double peps, bool diffp, out double pdlam12, Span<double> Ca)
    {
        double dlam12 = 0;
        if (sbet1 == 0 && calp1 == 0) calp1 = -Tiny;
        var salp0 = salp1 * cbet1;
        var calp0 = Hypot(calp1, salp1 * sbet1);
        double ssig1 = sbet1, somg1 = salp0 * sbet1;
        double csig1 = calp1 * cbet1, comg1 = csig1;
        Norm2(ref ssig1, ref csig1);
        var salp2 = cbet2 != cbet1 ? salp0 / cbet2 : salp1;
        var calp2 = cbet2 != cbet1 || Math.Abs(sbet2) != -sbet1
            ? Math.Sqrt(Sq(calp1 * cbet1) + (cbet1 < -sbet1 ? (cbet2 - cbet1) * (cbet1 + cbet2) : (sbet1 - sbet2) * (sbet1 + sbet2))) / cbet2
            : Math.Abs(calp1);
        double ssig2 = sbet2, somg2 = salp0 * sbet2;
        double csig2 = calp2 * cbet2, comg2 = csig2;
        Norm2(ref ssig2, ref csig2);
        var sig12 = Math.Atan2(Math.Max(0.0, csig1 * ssig2 - ssig1 * csig2) + 0, csig1 * csig2 + ssig1 * ssig2);
        var somg12 = Math.Max(0.0, comg1 * somg2 - somg1 * comg2) + 0;
        var comg12 = comg1 * comg2 + somg1 * somg2;
        var eta = Math.Atan2(somg12 * clam120 - comg12 * slam120, comg12 * clam120 + somg12 * slam120);
        var k2 = Sq(calp0) * ep2;
        var eps = k2 / (2 * (1 + Math.Sqrt(1 + k2)) + k2);
        C3f(eps, Ca);
        var B312 = SinCosSeries(true, ssig2, csig2, Ca, nC3 - 1) - SinCosSeries(true, ssig1, csig1, Ca, nC3 - 1);
        var domg12 = -F * A3f(eps) * salp0 * (sig12 + B312);
        var lam12 = eta + domg12;
        if (diffp)
        {
            if (calp2 == 0) dlam12 = -2 * f1 * dn1 / sbet1;
            else
            {
                dlam12 = ReducedLength(eps, sig12, ssig1, csig1, dn1, ssig2, csig2, dn2, Ca);
                dlam12 *= f1 / (calp2 * cbet2);
            }
        }
        psalp2 = salp2; pcalp2 = calp2; psig12 = sig12;
        pssig1 = ssig1; pcsig1 = csig1; pssig2 = ssig2; pcsig2 = csig2;
        peps = eps;
        pdlam12 = dlam12;
        return lam12;
    }

    static double A3f(double eps) => PolyVal(nA3 - 1, A3x, eps);

    static void C3f(double eps, Span<double> c)
    {
        double mult = 1;
        var o = 0;
        for (var l = 1; l < nC3; ++l)
        {
            var m = nC3 - l - 1;
            mult *= eps;
            c[l] = mult * PolyVal(m, C3x.AsSpan(o), eps);
            o += m + 1;
        }
    }

    static readonly double[] A1Coeff = [1, 4, 64, 0, 256];

    static double A1m1f(double eps)
    {
        var m = nA1 / 2;
        var t = PolyVal(m, A1Coeff, Sq(eps)) / A1Coeff[m + 1];
        return (t + eps) / (1 - eps);
    }

    static readonly double[] C1Coeff = [-1, 6, -16, 32, -9, 64, -128, 2048, 9, -16, 768, 3, -5, 512, -7, 1280, -7, 2048];

    static void C1f(double eps, Span<double> c)
    {
        double eps2 = Sq(eps), d = eps;
        var o = 0;
        for (var l = 1; l <= nC1; ++l)
        {
            var m = (nC1 - l) / 2;
            c[l] = d * PolyVal(m, C1Coeff.AsSpan(o), eps2) / C1Coeff[o + m + 1];
            o += m + 2;
            d *= eps;
        }
    }

    static readonly double[] A2Coeff = [-11, -28, -192, 0, 256];

    static double A2m1f(double eps)
    {
        var m = nA2 / 2;
        var t = PolyVal(m, A2Coeff, Sq(eps)) / A2Coeff[m + 1];
        return (t - eps) / (1 + eps);
    }

    static readonly double[] C2Coeff = [1, 2, 16, 32, 35, 64, 384, 2048, 15, 80, 768, 7, 35, 512, 63, 1280, 77, 2048];

    static void C2f(double eps, Span<double> c)
    {
        double eps2 = Sq(eps), d = eps;
        var o = 0;
        for (var l = 1; l <= nC2; ++l)
        {
            var m = (nC2 - l) / 2;
            c[l] = d * PolyVal(m, C2Coeff.AsSpan(o), eps2) / C2Coeff[o + m + 1];
            o += m + 2;
            d *= eps;
        }
    }

    static void A3coeff()
    {
        double[] coeff = [-3, 128, -2, -3, 64, -1, -3, -1, 16, 3, -1, -2, 8, 1, -1, 2, 1, 1];
        int o = 0, k = 0;
        for (var j = nA3 - 1; j >= 0; --j)
        {
            var m = nA3 - j - 1 < j ? nA3 - j - 1 : j;
            A3x[k++] = PolyVal(m, coeff.AsSpan(o), n) / coeff[o + m + 1];
            o += m + 2;
        }
    }

    static void C3coeff()
    {
        double[] coeff =
        [
            3, 128, 2, 5, 128, -1, 3, 3, 64, -1, 0, 1, 8, -1, 1, 4,
            5, 256, 1, 3, 128, -3, -2, 3, 64, 1, -3, 2, 32,
            7, 512, -10, 9, 384, 5, -9, 5, 192,
            7, 512, -14, 7, 512,
            21, 2560,
        ];
        int o = 0, k = 0;
        for (var l = 1; l < nC3; ++l)
        {
            for (var j = nC3 - 1; j >= l; --j)
            {
                var m = nC3 - j - 1 < j ? nC3 - j - 1 : j;
                C3x[k++] = PolyVal(m, coeff.AsSpan(o), n) / coeff[o + m + 1];
                o += m + 2;
            }
        }
    }
}
