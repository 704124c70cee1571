# StationMap API + built web client in one image. Used by docker-compose.yml.
FROM node:20-bookworm-slim AS client
WORKDIR /src/web-client
COPY web-client/package.json web-client/package-lock.json web-client/.npmrc ./
RUN npm ci --no-audit --no-fund
COPY web-client/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS api
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY db-migrations/ db-migrations/
COPY api/ api/
RUN dotnet publish api/StationMap.Api/StationMap.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=api /app ./
COPY --from=client /src/web-client/dist ./wwwroot-client
ENV Spa__RootPath=/app/wwwroot-client ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
# Roles and PostGIS as the superuser (bootstrap), migrate and load demo data into an empty database
# as the owner role, then serve as the app role (rows only): the same split as ./stationmap.
ENTRYPOINT ["sh", "-c", "set -e; su=\"$STATIONMAP_SUPERUSER_CS\"; db=\"${su#*Database=}\"; db=\"${db%%;*}\"; host=\"${su%%;Username=*}\"; ConnectionStrings__Stations=\"$su\" dotnet StationMap.Api.dll bootstrap; export ConnectionStrings__Stations=\"$host;Username=stationmap_owner;Password=$STATIONMAP_OWNER_PASSWORD;Database=$db\"; dotnet StationMap.Api.dll migrate; dotnet StationMap.Api.dll seed-demo --if-empty; export ConnectionStrings__Stations=\"$host;Username=stationmap_app;Password=$STATIONMAP_APP_PASSWORD;Database=$db\"; exec dotnet StationMap.Api.dll"]
