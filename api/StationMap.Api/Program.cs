using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.Maps;
using StationMap.Api.Features.Planning;
using StationMap.Api.Features.Platform;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.ServiceAreas;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Cli;

if (CliCommands.IsCommand(args)) return await CliCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddStationMap(builder.Configuration);

var app = builder.Build();
app.UseStationMapPipeline();
app.MapPlatform();
app.MapStations();
app.MapRoadTiles();
app.MapIsochrones();
app.MapServiceAreas();
app.MapReachable();
app.MapDistricts();
app.MapPlanningLayers();
app.MapCoverage();
app.MapCoverageGaps();
app.MapWhatIf();
app.MapPlanningSuggest();
app.MapApiFallback();
app.UseStationMapClient();
app.Run();
return 0;

public partial class Program;
