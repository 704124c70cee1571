using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Parameters;
using StationMap.Routing;

namespace StationMap.Api.Features.Coverage;

/// <summary>The validated common parameters of every coverage and planning request.</summary>
public sealed record CoverageParameters(TravelMode Mode, int Minutes, string Layer, long? District, DateTimeOffset? At, string? AtText)
{
    public double CutoffSeconds => Minutes * 60.0;
}

/// <summary>A scenario ready to answer: graph, demand (when asked for), stations and their access field.</summary>
public sealed record CoverageContext(CoverageParameters Parameters, LoadedGraph Graph, DemandSet? Demand, StationScenario Scenario,
    AccessField Field, int DistrictIndex)
{
    /// <summary>Newest change to the inputs: a station or the demand layer.</summary>
    public DateTimeOffset? DataTime =>
        new[] { Scenario.StationsChangedAt, Demand?.UpdatedAt }.Where(t => t is not null).Max();

    /// <summary>Whether demand point <paramref name="i"/> is inside the requested district (all points without one).</summary>
    public bool InScope(int i) => DistrictIndex < 0 || Demand!.District[i] == DistrictIndex;
}

/// <summary>Parsing and resolution shared by the coverage and planning endpoints (mode, minutes, layer, district, at).</summary>
public static partial class CoverageRequest
{
    public const int MaxMinutes = 60;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex LayerName();

    public static TravelMode? ParseMode(string? text, Validation v, string name = "mode")
    {
        if (string.IsNullOrWhiteSpace(text)) return TravelMode.Ebike;
        if (TravelModes.TryParse(text, out var mode) && mode != TravelMode.Car) return mode;
        v.Add(name, $"{name} must be walk or ebike.");
        return null;
    }

    public static int ParseMinutes(int? minutes, Validation v, string name = "minutes")
    {
        if (minutes is { } m && (m < 1 || m > MaxMinutes)) v.Add(name, $"{name} must be whole minutes between 1 and {MaxMinutes}.");
        return minutes ?? 15;
    }

    /// <summary>An ISO 8601 instant with an offset or Z (a local time without one is ambiguous across the stations' zones).</summary>
    public static DateTimeOffset? ParseAt(string? text, Validation v, string name = "at")
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        // The same reading as the station reads' at= (one parser for an instant).
        InstantParameter.TryParse(text, null, out var at);
        if (at.Error is null) return at.Value;
        v.Add(name, string.Format(CultureInfo.InvariantCulture, at.Error, name));
        return null;
    }

    public static string ParseLayer(string? text, Validation v, string name = "layer")
    {
        if (string.IsNullOrWhiteSpace(text)) return CoverageEngine.DefaultLayer;
        if (!LayerName().IsMatch(text)) v.Add(name, $"{name} must be a layer name (letters, digits, _ . -; at most 64).");
        return text;
    }

    public static CoverageParameters? Parse(string? mode, int? minutes, string? layer, long? district, string? at, Validation v)
    {
        var m = ParseMode(mode, v);
        var min = ParseMinutes(minutes, v);
        var l = ParseLayer(layer, v);
        if (district is <= 0) v.Add("district", "district must be a district id (a positive whole number).");
        var instant = ParseAt(at, v);
        return v.IsValid ? new CoverageParameters(m!.Value, min, l, district, instant, at?.Trim()) : null;
    }

    /// <summary>The query form: <c>mode</c> already parsed by <see cref="TravelModeParameter"/>; coverage has no car field.</summary>
    public static CoverageParameters? Parse(TravelModeParameter? mode, int? minutes, string? layer, long? district, string? at, Validation v)
    {
        if (mode?.Value == TravelMode.Car) v.Add("mode", "mode must be walk or ebike.");
        return Parse(mode?.Value == TravelMode.Car ? null : mode?.Name, minutes, layer, district, at, v);
    }

    public static ProblemHttpResult UnknownLayer(string layer) => Problems.LayerNotFound(layer, "demand");

    public static ProblemHttpResult UnknownDistrict(long id) => Problems.DistrictNotFound(id);

    /// <summary>
    /// Loads what a request needs; a problem result when there is no graph (503) or an unknown layer or district (404).
    /// The region answering is the one <paramref name="box"/> is in (422 naming the nearest region when it touches
    /// none), else the one covering <paramref name="near"/> (a tile's centre), else the requested district's
    /// interior point, else the default region (<see cref="GraphHost.Default"/>).
    /// </summary>
    public static async Task<(CoverageContext? Context, ProblemHttpResult? Problem)> ResolveAsync(CoverageParameters p, GraphHost graphs,
        CoverageEngine engine, Npgsql.NpgsqlDataSource data, bool withDemand, CancellationToken ct, (double Lon, double Lat)? near = null,
        NetTopologySuite.Geometries.Envelope? box = null)
    {
        // A box asked for by the caller (gaps of a bbox) must touch a region: gaps computed on another
        // region's graph far away would be all "gap" and mean nothing. 422 naming the nearest region.
        LoadedGraph? boxRegion = null;
        if (box is not null)
        {
            var lookup = graphs.For(box);
            if (lookup.Problem is not null) return (null, lookup.Problem);
            boxRegion = lookup.Graph;
        }
        if (near is null && p.District is { } districtId && graphs.Regions.Count > 1
            && await DistrictStore.GeometryAsync(data, districtId, ct) is { IsEmpty: false } shape)
            near = (shape.InteriorPoint.X, shape.InteriorPoint.Y);
        var graph = boxRegion ?? (near is { } pt ? graphs.Regions.Find(pt.Lon, pt.Lat) ?? graphs.Default : graphs.Default);
        if (graph is null) return (null, Problems.NoRoadNetwork());
        DemandSet? demand = null;
        var districtIndex = -1;
        if (withDemand)
        {
            demand = await engine.DemandAsync(graph, p.Mode, p.Layer, ct);
            if (demand is null) return (null, UnknownLayer(p.Layer));
            if (p.District is { } id)
            {
                districtIndex = Array.FindIndex(demand.Districts, d => d.Id == id);
                if (districtIndex < 0) return (null, UnknownDistrict(id));
            }
        }
        else if (p.District is { } id)
        {
            if (!await DistrictStore.ExistsAsync(data, id, ct)) return (null, UnknownDistrict(id));
        }
        var scenario = await engine.StationsAsync(p.At, ct);
        var field = engine.Field(graph, p.Mode, scenario.Stations, scenario.Fingerprint);
        return (new CoverageContext(p, graph, demand, scenario, field, districtIndex), null);
    }
}
