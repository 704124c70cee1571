using StationMap.Routing;

namespace StationMap.Routing.Tests;

public class TravelModeTests
{
    [Theory]
    [InlineData("walk", TravelMode.Walk)]
    [InlineData("EBIKE", TravelMode.Ebike)]
    [InlineData(" car ", TravelMode.Car)]
    public void Parses_wire_names(string text, TravelMode expected)
    {
        Assert.True(TravelModes.TryParse(text, out var mode));
        Assert.Equal(expected, mode);
        Assert.Equal(text.Trim().ToLowerInvariant(), mode.Name());
    }

    [Theory]
    [InlineData("bike")]
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_unknown_modes(string? text) => Assert.False(TravelModes.TryParse(text, out _));
}
