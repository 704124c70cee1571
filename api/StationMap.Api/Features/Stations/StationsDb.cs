using Microsoft.EntityFrameworkCore;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// EF Core mapping of the station tables created by <c>db-migrations</c> (the SQL scripts own the schema).
/// API keys are not mapped here: they belong to the kernel (<see cref="Infrastructure.ApiKeyStore"/>), which uses no feature.
/// </summary>
public sealed class StationsDb(DbContextOptions<StationsDb> options) : DbContext(options)
{
    public DbSet<Station> Stations => Set<Station>();
    public DbSet<StationAudit> StationAudits => Set<StationAudit>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Station>(e =>
        {
            e.ToTable("station");
            e.Property(s => s.Id).UseIdentityAlwaysColumn();
            e.Property(s => s.Location).HasColumnType("geography (point, 4326)");
            e.Property(s => s.Geom).HasColumnType("geometry (point, 4326)")
                .ValueGeneratedOnAddOrUpdate().Metadata.SetAfterSaveBehavior(Microsoft.EntityFrameworkCore.Metadata.PropertySaveBehavior.Ignore);
            e.Property(s => s.Amenities).HasColumnType("jsonb");
            e.Property(s => s.Services).HasColumnType("jsonb");
            e.Property(s => s.ServiceKinds)
                .ValueGeneratedOnAddOrUpdate().Metadata.SetAfterSaveBehavior(Microsoft.EntityFrameworkCore.Metadata.PropertySaveBehavior.Ignore);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
            e.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
        });
        b.Entity<StationAudit>(e =>
        {
            e.ToTable("station_audit");
            e.Property(a => a.Diff).HasColumnType("jsonb");
        });
    }
}

public sealed class StationAudit
{
    public long Id { get; set; }
    public long StationId { get; set; }
    public string Action { get; set; } = "";
    public string Actor { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string Diff { get; set; } = "{}";
}
