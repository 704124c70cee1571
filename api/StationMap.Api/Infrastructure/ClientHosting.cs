using Microsoft.AspNetCore.SpaServices;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// Serves the built MapLibre client (<c>web-client/dist</c>, path from <c>Spa:RootPath</c>) for every
/// route that is not an endpoint; /api, /swagger, /healthz and /readyz never fall through to it.
/// </summary>
public static class ClientHosting
{
    public static WebApplication UseStationMapClient(this WebApplication app)
    {
        var root = app.Configuration["Spa:RootPath"]
                   ?? Path.GetFullPath(Path.Combine(app.Environment.ContentRootPath, "..", "..", "web-client", "dist"));
        // UseSpa is terminal: run the endpoints first so API routes are never swallowed by it.
        app.UseEndpoints(_ => { });
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            app.Run(async http =>
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await http.Response.WriteAsync($"The web client is not built ({root}/index.html is missing). Run ./stationmap run.");
            });
            return app;
        }
        var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(root);
        app.UseSpaStaticFiles(new StaticFileOptions { FileProvider = files });
        app.UseSpa(spa => spa.Options.DefaultPageStaticFileOptions = new StaticFileOptions { FileProvider = files });
        return app;
    }
}
