using System.Text.Json;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// Seeded generator of DEMO stations around central Hangzhou (every row has is_demo = true and the
/// client labels them as demo data). Realistic mixes of tiers, amenities, hours (24/7, day-only,
/// weekday-only, split shifts, unknown) and a few temporarily closed stations.
/// </summary>
public static class DemoStations
{
    sealed record District(string Name, double Lon, double Lat, double Weight);
    sealed record Road(string Zh, string En);

    static readonly District[] Districts =
    [
        new("上城区", 120.180, 30.255, 0.26), new("拱墅区", 120.150, 30.310, 0.22), new("西湖区", 120.120, 30.275, 0.26),
        new("滨江区", 120.205, 30.205, 0.16), new("萧山区", 120.265, 30.180, 0.10),
    ];

    /// <summary>
    /// Zhejiang's prefecture-level cities (centre, WGS-84 degrees), weighted by roughly their urban
    /// population, for <see cref="Area.Zhejiang"/>: "zoom from the whole province to a street".
    /// </summary>
    static readonly District[] ZhejiangCities =
    [
        new("杭州市", 120.155, 30.274, 0.22), new("宁波市", 121.550, 29.875, 0.16), new("温州市", 120.699, 27.994, 0.14),
        new("嘉兴市", 120.755, 30.746, 0.08), new("湖州市", 120.088, 30.894, 0.05), new("绍兴市", 120.580, 30.030, 0.09),
        new("金华市", 119.647, 29.079, 0.10), new("衢州市", 118.859, 28.970, 0.04), new("舟山市", 122.207, 29.985, 0.02),
        new("台州市", 121.421, 28.656, 0.08), new("丽水市", 119.923, 28.467, 0.02),
    ];

    /// <summary>Where generated stations go: central Hangzhou (the default) or all of Zhejiang province.</summary>
    public enum Area { Hangzhou, Zhejiang }

    /// <summary>The demo districts' names and centres (WGS-84 degrees), which the demo planning districts are drawn around.</summary>
    public static IReadOnlyList<(string Name, double Lon, double Lat)> DistrictCentres => Districts.Select(d => (d.Name, d.Lon, d.Lat)).ToList();

    static readonly Road[] Roads =
    [
        new("文三路", "Wensan Road"), new("文二路", "Wen'er Road"), new("学院路", "Xueyuan Road"), new("教工路", "Jiaogong Road"),
        new("莫干山路", "Moganshan Road"), new("湖墅南路", "Hushu South Road"), new("延安路", "Yan'an Road"), new("中山路", "Zhongshan Road"),
        new("解放路", "Jiefang Road"), new("庆春路", "Qingchun Road"), new("凤起路", "Fengqi Road"), new("体育场路", "Tiyuchang Road"),
        new("环城北路", "Huancheng North Road"), new("天目山路", "Tianmushan Road"), new("古墩路", "Gudun Road"), new("紫荆花路", "Zijinghua Road"),
        new("文一西路", "Wenyi West Road"), new("西溪路", "Xixi Road"), new("杭海路", "Hanghai Road"), new("秋涛路", "Qiutao Road"),
        new("江南大道", "Jiangnan Avenue"), new("滨盛路", "Binsheng Road"), new("江陵路", "Jiangling Road"), new("建国路", "Jianguo Road"),
        new("清泰街", "Qingtai Street"), new("望江路", "Wangjiang Road"), new("钱江路", "Qianjiang Road"), new("新塘路", "Xintang Road"),
        new("德胜路", "Desheng Road"), new("石祥路", "Shixiang Road"), new("登云路", "Dengyun Road"), new("丰潭路", "Fengtan Road"),
        new("之江路", "Zhijiang Road"), new("曙光路", "Shuguang Road"), new("东新路", "Dongxin Road"), new("市心路", "Shixin Road"),
        new("金城路", "Jincheng Road"), new("长河路", "Changhe Road"), new("星民路", "Xingmin Road"), new("秋石路", "Qiushi Road"),
    ];

    static readonly (string Tier, double Weight, string Zh, string En)[] Tiers =
    [
        ("flagship", 0.05, "户外劳动者服务旗舰站", "Outdoor Workers Flagship Station"),
        ("standard", 0.42, "暖心驿站", "Warm Station"),
        ("smart_24h", 0.10, "24小时智能驿站", "24h Smart Station"),
        ("convenience", 0.23, "爱心驿站", "Caring Station"),
        ("partner", 0.20, "共享驿站", "Partner Station"),
    ];

    static readonly string[] UnionOperators = ["杭州市总工会", "区总工会", "街道总工会", "社区居委会", "环境卫生管理处"];
    static readonly string[] PartnerOperators = ["顺丰速运", "美团", "饿了么", "中国邮政", "中国石化加油站", "浙江移动营业厅", "工商银行网点", "联华华商超市"];

    static readonly (string? Hours, double Weight)[] Hours =
    [
        ("24/7", 0.16), ("Mo-Su 07:00-21:00", 0.28), ("Mo-Fr 08:30-17:30", 0.14), ("Mo-Sa 07:00-11:30,13:00-19:00; Su off", 0.11),
        ("Mo-Su 06:00-10:00,11:00-14:00,17:00-20:00", 0.10), ("Mo-Fr 09:00-18:00; Sa,Su 10:00-16:00", 0.09), (null, 0.12),
    ];

    /// <summary>Chance of "yes" per amenity at a standard station; tiers scale it (flagship more, partner less).</summary>
    static readonly Dictionary<string, double> AmenityYes = new()
    {
        ["drinking_water"] = 0.97,
        ["microwave"] = 0.8,
        ["phone_charging"] = 0.92,
        ["ebike_charging"] = 0.45,
        ["battery_swap"] = 0.15,
        ["toilet"] = 0.6,
        ["air_conditioning"] = 0.85,
        ["heating"] = 0.6,
        ["seating"] = 0.95,
        ["first_aid"] = 0.75,
        ["wifi"] = 0.7,
        ["fridge"] = 0.45,
        ["lockers"] = 0.25,
        ["umbrella"] = 0.55,
        ["repair_tools"] = 0.35,
        ["canteen"] = 0.08,
        ["legal_aid"] = 0.12,
        ["medical_service"] = 0.08,
    };

    /// <summary>Services on a schedule: kind, chance at a standard station, descriptions, hours to pick from.</summary>
    static readonly (string Kind, double Chance, string[] Descriptions, string[] Hours)[] ServiceOffers =
    [
        ("free_clinic", 0.10, ["社区卫生服务中心医生坐诊：量血压、测血糖", "义诊：常见病咨询、免费测血压"], ["Tu 14:00-16:00", "Th 09:00-11:00", "Tu,Fr 14:00-16:30"]),
        ("haircut", 0.10, ["志愿者免费理发", "爱心理发，每次限前 20 位"], ["Sa 09:00-12:00", "Su 14:00-17:00", "We 15:00-17:00"]),
        ("legal_advice", 0.07, ["律师值班：劳动合同、工伤、欠薪咨询", "法律援助工作站律师坐班"], ["We[1] 09:00-11:30", "We 09:00-11:30", "Mo[1,3] 14:00-17:00"]),
        ("counselling", 0.04, ["心理咨询师一对一倾听（可预约）"], ["Th 19:00-21:00", "Sa 14:00-16:00; PH off"]),
        ("classes", 0.05, ["公益课堂：电动车安全与交通法规", "公益课堂：应急救护培训"], ["Fr 19:00-20:30", "Su 10:00-11:30"]),
        ("summer_drinks", 0.12, ["送清凉：免费绿豆汤、凉茶、藿香正气水", "夏季防暑降温饮品免费领取"], ["Jun-Sep: Mo-Su 11:00-15:00", "Jul-Aug: Mo-Su 10:00-16:00; PH off"]),
    ];

    static readonly string[] ClosedReasons = ["设备检修中", "场地装修升级", "所在网点临时停业"];

    /// <summary>Generates <paramref name="count"/> demo stations; the same seed gives the same stations.</summary>
    public static IEnumerable<Station> Generate(int count, int seed, DateTimeOffset now) => Generate(count, seed, now, Area.Hangzhou);

    /// <summary>
    /// As above, in <paramref name="area"/>. Zhejiang: 85 % around the 11 cities (denser at the centre,
    /// a few km spread, more for the big ones), 15 % scattered over the province's towns and villages
    /// (uniform over its bounding box, 118.0–122.5° E, 27.1–31.2° N, so the sea gets some too: demo data).
    /// </summary>
    public static IEnumerable<Station> Generate(int count, int seed, DateTimeOffset now, Area area)
    {
        var rng = new Random(seed);
        var districts = area == Area.Zhejiang ? ZhejiangCities : Districts;
        // 300 stations cover central Hangzhou (~3 km spread per district); larger sets spread wider at the same density.
        var spreadKm = 2.6 * Math.Sqrt(Math.Max(count, 300) / 300.0);
        var names = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            var district = Pick(rng, districts, d => d.Weight);
            double lon, lat;
            if (area == Area.Zhejiang && rng.NextDouble() < 0.15)
                (lon, lat) = (118.0 + rng.NextDouble() * 4.5, 27.1 + rng.NextDouble() * 4.1);
            else
            {
                // A city's stations: most within a few km of its centre (a city of weight 0.2 spreads ~6 km σ).
                var cityKm = area == Area.Zhejiang ? 2 + 20 * district.Weight : spreadKm;
                var (dx, dy) = (Gaussian(rng) * cityKm, Gaussian(rng) * cityKm);
                lon = Math.Clamp(district.Lon + dx / (111.32 * Math.Cos(district.Lat * Math.PI / 180)), -179.9, 179.9);
                lat = Math.Clamp(district.Lat + dy / 110.57, -89.9, 89.9);
            }
            var tier = Pick(rng, Tiers, t => t.Weight);
            var road = Roads[rng.Next(Roads.Length)];
            var partner = tier.Tier == "partner" ? PartnerOperators[rng.Next(PartnerOperators.Length)] : null;
            var name = partner is null ? road.Zh + tier.Zh : road.Zh + partner + tier.Zh;
            var nameEn = $"{road.En} {tier.En}";
            for (var n = 2; !names.Add(name); n++) { name = $"{road.Zh}{tier.Zh}({n}号)"; nameEn = $"{road.En} {tier.En} No. {n}"; }
            var hours = tier.Tier == "smart_24h" ? "24/7" : Pick(rng, Hours, h => h.Weight).Hours;
            var closed = rng.NextDouble() < 0.03;
            yield return new Station
            {
                Name = name,
                NameEn = nameEn,
                Address = area == Area.Zhejiang ? $"浙江省{district.Name}{road.Zh}{rng.Next(1, 600)}号" : $"杭州市{district.Name}{road.Zh}{rng.Next(1, 600)}号",
                District = district.Name,
                Location = new NetTopologySuite.Geometries.Point(Math.Round(lon, 6), Math.Round(lat, 6)) { SRID = 4326 },
                Tier = tier.Tier,
                Operator = partner ?? UnionOperators[rng.Next(UnionOperators.Length)],
                Phone = rng.NextDouble() < 0.85 ? $"0571-8{rng.Next(1_000_000, 9_999_999)}" : null,
                OpeningHours = hours,
                Status = closed ? "temporarily_closed" : "open",
                StatusReason = closed ? ClosedReasons[rng.Next(ClosedReasons.Length)] : null,
                Capacity = rng.NextDouble() < 0.05 ? null : tier.Tier switch
                {
                    "flagship" => rng.Next(20, 41),
                    "standard" => rng.Next(8, 21),
                    "partner" => rng.Next(2, 9),
                    _ => rng.Next(4, 11),
                },
                Amenities = JsonSerializer.Serialize(Amenities(rng, tier.Tier)),
                Access = Access(rng, tier.Tier),
                // A generator of its own per station, so adding services left every other field of the demo data as it was.
                Services = JsonSerializer.Serialize(Services(new Random(unchecked(seed * 7919 + i)), tier.Tier), ServiceJson),
                VerifiedAt = rng.NextDouble() < 0.06 ? null : now.AddDays(-rng.Next(0, 365)).AddMinutes(-rng.Next(0, 1440)),
                IsDemo = true,
                CreatedAt = now,
                UpdatedAt = now,
            };
        }
    }

    static Dictionary<string, string> Amenities(Random rng, string tier)
    {
        var scale = tier switch { "flagship" => 1.5, "smart_24h" => 0.9, "convenience" => 0.8, "partner" => 0.6, _ => 1.0 };
        var unknown = tier == "partner" ? 0.25 : 0.08;
        var result = new Dictionary<string, string>();
        foreach (var (amenity, p) in AmenityYes)
        {
            if (rng.NextDouble() < unknown) continue; // not surveyed: unknown
            result[amenity] = rng.NextDouble() < Math.Min(0.99, p * scale) ? "yes" : "no";
        }
        return result;
    }

    static readonly JsonSerializerOptions ServiceJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    static List<ServiceInput> Services(Random rng, string tier)
    {
        var scale = tier switch { "flagship" => 3.0, "standard" => 1.0, "smart_24h" => 0.3, "convenience" => 0.8, _ => 0.4 };
        var result = new List<ServiceInput>();
        foreach (var (kind, chance, descriptions, hours) in ServiceOffers)
        {
            if (rng.NextDouble() >= chance * scale) continue;
            result.Add(new ServiceInput { Kind = kind, Description = descriptions[rng.Next(descriptions.Length)], Hours = hours[rng.Next(hours.Length)] });
        }
        return result;
    }

    static string[] Access(Random rng, string tier)
    {
        var audience = rng.NextDouble() < 0.1 ? "union_members" : "all_outdoor_workers";
        var entry = tier == "smart_24h" ? "qr_door" : rng.NextDouble() < 0.8 ? "staffed" : null;
        return entry is null ? [audience] : [audience, entry];
    }

    static T Pick<T>(Random rng, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var x = rng.NextDouble() * items.Sum(weight);
        foreach (var item in items) if ((x -= weight(item)) <= 0) return item;
        return items[^1];
    }

    /// <summary>Standard normal (Box–Muller), clipped to ±3σ so no station lands far out.</summary>
    static double Gaussian(Random rng) =>
        Math.Clamp(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()), -3, 3);
}
