using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.Holidays;
using StationMap.Api.Features.Live;
using StationMap.Api.Features.Maps;
using StationMap.Api.Features.Planning;
using StationMap.Api.Features.Platform;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.ServiceAreas;
using StationMap.Api.Features.Stations;
using StationMap.Api.Hosting;
using StationMap.Api.Hosting.Cli;
using StationMap.Api.Infrastructure;

if (CliCommands.IsCommand(args)) return await CliCommands.RunAsync(args);

// No watching of appsettings*.json for changes: the watcher covers the content root and everything below it
// (the whole checkout when started from it, PostgreSQL's data folder included), so every write of the
// database woke it; the profile of the live ingest showed it at 4 % of the API's CPU. Settings change on restart.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
builder.Services.AddStationMap(builder.Configuration);

var app = builder.Build();
app.UseStationMapPipeline();
app.MapProbes();

// Every API route, in one group: the unknown/invalid query parameter filter is set here once;
// each feature adds its routes (and its OpenAPI tag) with one MapXxx.
var api = app.MapGroup("/api/v1").ForApi();
api.MapPlatform();
api.MapStations();
api.MapRoadTiles();
api.MapStationTiles();
api.MapIsochrones();
api.MapRegions();
api.MapServiceAreas();
api.MapDistricts();
api.MapPlanningLayers();
api.MapCoverage();
api.MapWhatIf();
api.MapPlanningSuggest();
api.MapHolidays();
api.MapLive();
api.MapTickets();
api.MapModeration();
app.MapOpen311();
api.MapWebhooks();
api.MapStats();
api.MapLiveDelivery();
app.MapApiFallback();
app.UseStationMapClient();
app.Run();
return 0;

public partial class Program;
