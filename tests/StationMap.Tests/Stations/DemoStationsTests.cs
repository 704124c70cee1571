using System.Text.Json;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Tests.Stations;

public sealed class DemoStationsTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_seed_gives_the_same_stations()
    {
        var a = DemoStations.Generate(300, 42, Now).Select(s => (s.Name, s.Location.X, s.Location.Y, s.OpeningHours, s.Amenities)).ToList();
        var b = DemoStations.Generate(300, 42, Now).Select(s => (s.Name, s.Location.X, s.Location.Y, s.OpeningHours, s.Amenities)).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, DemoStations.Generate(300, 43, Now).Select(s => (s.Name, s.Location.X, s.Location.Y, s.OpeningHours, s.Amenities)).ToList());
    }

    [Fact]
    public void Demo_stations_are_labelled_valid_and_around_central_Hangzhou()
    {
        var stations = DemoStations.Generate(300, 20261122, Now).ToList();
        Assert.All(stations, s =>
        {
            Assert.True(s.IsDemo);
            Assert.InRange(s.Location.X, 120.0, 120.4);
            Assert.InRange(s.Location.Y, 30.1, 30.4);
            Assert.Contains(s.Tier, StationVocabulary.Tiers);
            Assert.True(s.OpeningHours is null || OpeningHoursSchedule.TryParse(s.OpeningHours, out _, out _), s.OpeningHours);
            var amenities = JsonSerializer.Deserialize<Dictionary<string, string>>(s.Amenities)!;
            Assert.All(amenities, a => Assert.Contains(a.Key, StationVocabulary.Amenities));
        });
        Assert.Equal(300, stations.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void Demo_data_has_a_realistic_mix()
    {
        var stations = DemoStations.Generate(300, 20261122, Now).ToList();
        foreach (var tier in StationVocabulary.Tiers) Assert.Contains(stations, s => s.Tier == tier);
        Assert.InRange(stations.Count(s => s.OpeningHours == "24/7"), 30, 120);
        Assert.InRange(stations.Count(s => s.OpeningHours is null), 10, 60);
        Assert.Contains(stations, s => s.OpeningHours == "Mo-Fr 08:30-17:30");
        Assert.InRange(stations.Count(s => s.Status == "temporarily_closed"), 2, 25);
        Assert.Contains(stations, s => !JsonSerializer.Deserialize<Dictionary<string, string>>(s.Amenities)!.ContainsKey("toilet"));
    }
}
