using StationMap.Api.Features.RoadNetwork;
using StationMap.Routing;

namespace StationMap.Tests.RoadNetwork;

public class RoadProfileTests
{
    static readonly RoadProfile Profile = RoadProfile.Default();

    static ModeSpeeds[] Eval(params string[] kv)
    {
        var tags = new Dictionary<string, string>();
        for (var i = 0; i < kv.Length; i += 2) tags[kv[i]] = kv[i + 1];
        return Profile.Evaluate(tags);
    }

    static ModeSpeeds Mode(ModeSpeeds[] s, TravelMode m) => s[(int)m];

    [Fact]
    public void Residential_two_way_for_everyone_with_documented_speeds()
    {
        var s = Eval("highway", "residential");
        Assert.Equal(new ModeSpeeds(5, 5), Mode(s, TravelMode.Walk));
        Assert.Equal(new ModeSpeeds(15, 15), Mode(s, TravelMode.Ebike));
        Assert.Equal(new ModeSpeeds(20, 20), Mode(s, TravelMode.Car));
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("-1", false)]
    public void Oneway_binds_ebikes_and_cars_but_never_walkers(string value, bool forward)
    {
        var s = Eval("highway", "secondary", "oneway", value);
        Assert.Equal(new ModeSpeeds(5, 5), Mode(s, TravelMode.Walk));
        foreach (var m in new[] { TravelMode.Ebike, TravelMode.Car })
        {
            Assert.Equal(forward, Mode(s, m).Forward is not null);
            Assert.Equal(!forward, Mode(s, m).Backward is not null);
        }
    }

    [Fact]
    public void Roundabouts_are_one_way_and_oneway_no_is_two_way()
    {
        Assert.Null(Mode(Eval("highway", "primary", "junction", "roundabout"), TravelMode.Car).Backward);
        Assert.NotNull(Mode(Eval("highway", "primary", "oneway", "no"), TravelMode.Car).Backward);
    }

    [Fact]
    public void Oneway_bicycle_no_lets_ebikes_ride_both_ways_but_not_cars()
    {
        var s = Eval("highway", "tertiary", "oneway", "yes", "oneway:bicycle", "no");
        Assert.Equal(new ModeSpeeds(18, 18), Mode(s, TravelMode.Ebike));
        Assert.Null(Mode(s, TravelMode.Car).Backward);
    }

    [Theory]
    [InlineData("highway", "motorway")]
    [InlineData("highway", "motorway_link")]
    public void Motorways_are_closed_to_ebikes_and_walkers_and_one_way_for_cars(string k, string v)
    {
        var s = Eval(k, v);
        Assert.Equal(default, Mode(s, TravelMode.Walk));
        Assert.Equal(default, Mode(s, TravelMode.Ebike));
        Assert.NotNull(Mode(s, TravelMode.Car).Forward);
    }

    [Theory]
    [InlineData("motorroad")]
    [InlineData("expressway")]
    public void Expressways_tagged_on_trunk_roads_are_closed_to_ebikes_and_walkers(string tag)
    {
        var s = Eval("highway", "trunk", tag, "yes");
        Assert.Equal(default, Mode(s, TravelMode.Walk));
        Assert.Equal(default, Mode(s, TravelMode.Ebike));
        Assert.Equal(new ModeSpeeds(50, 50), Mode(s, TravelMode.Car));
    }

    [Theory]
    [InlineData("footway")]
    [InlineData("pedestrian")]
    [InlineData("steps")]
    public void Footways_are_for_walking_only(string highway)
    {
        var s = Eval("highway", highway);
        Assert.NotNull(Mode(s, TravelMode.Walk).Forward);
        Assert.Equal(default, Mode(s, TravelMode.Ebike));
        Assert.Equal(default, Mode(s, TravelMode.Car));
    }

    [Fact]
    public void Cycleways_take_ebikes_not_cars_and_bicycle_yes_opens_a_footway()
    {
        Assert.NotNull(Mode(Eval("highway", "cycleway"), TravelMode.Ebike).Forward);
        Assert.Equal(default, Mode(Eval("highway", "cycleway"), TravelMode.Car));
        Assert.NotNull(Mode(Eval("highway", "footway", "bicycle", "yes"), TravelMode.Ebike).Forward);
    }

    [Fact]
    public void Access_tags_are_respected_per_mode()
    {
        var priv = Eval("highway", "service", "access", "private");
        Assert.All(priv, m => Assert.Equal(default, m));
        var noBikes = Eval("highway", "primary", "bicycle", "no");
        Assert.Equal(default, Mode(noBikes, TravelMode.Ebike));
        Assert.NotNull(Mode(noBikes, TravelMode.Car).Forward);
        var noCars = Eval("highway", "residential", "motor_vehicle", "no");
        Assert.Equal(default, Mode(noCars, TravelMode.Car));
        Assert.NotNull(Mode(noCars, TravelMode.Ebike).Forward);
        var noFoot = Eval("highway", "primary", "foot", "no");
        Assert.Equal(default, Mode(noFoot, TravelMode.Walk));
        var footOnly = Eval("highway", "service", "access", "no", "foot", "yes");
        Assert.NotNull(Mode(footOnly, TravelMode.Walk).Forward);
        Assert.Equal(default, Mode(footOnly, TravelMode.Car));
    }

    [Fact]
    public void A_lower_maxspeed_caps_cars_and_the_ebike_cap_is_25()
    {
        Assert.Equal(30, Mode(Eval("highway", "primary", "maxspeed", "30"), TravelMode.Car).Forward);
        Assert.Equal(40, Mode(Eval("highway", "primary", "maxspeed", "60"), TravelMode.Car).Forward);
        Assert.True(Profile.Classes.Values.All(c => c.EbikeKmh is null || c.EbikeKmh <= Profile.EbikeCapKmh));
        Assert.Equal(25, Profile.EbikeCapKmh);
    }

    [Fact]
    public void Areas_and_unknown_classes_are_not_routable()
    {
        Assert.False(Profile.IsRoutable(new Dictionary<string, string> { ["highway"] = "pedestrian", ["area"] = "yes" }));
        Assert.False(Profile.IsRoutable(new Dictionary<string, string> { ["highway"] = "construction" }));
        Assert.False(Profile.IsRoutable(new Dictionary<string, string> { ["building"] = "yes" }));
        Assert.True(Profile.IsRoutable(new Dictionary<string, string> { ["highway"] = "residential" }));
    }
}
