using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>The Open311 GeoReport v2 facade over fault tickets.</summary>
public sealed class Open311Tests(ApiFixture api) : IClassFixture<ApiFixture>
{
    readonly TicketWorld world = new(api);

    [Fact]
    public async Task A_request_posted_as_a_form_is_read_back_by_id_and_in_the_list_open_until_fixed_then_closed()
    {
        var station = await world.StationAsync("热线驿站", "顺丰速运", 120.2000, 30.3000);
        var (key, keyId) = await world.KeyAsync("editor", name: "hotline-12345");
        var services = await api.Client().GetAsync("/open311/v2/services.json").Json(200);
        Assert.Contains(services.AsArray(), s => (string?)s!["service_code"] == "microwave.broken" && (bool)s["metadata"]! && (string?)s["type"] == "realtime");
        var definition = await api.Client().GetAsync("/open311/v2/services/microwave.broken.json").Json(200);
        Assert.Equal("station_id", (string?)definition["attributes"]![0]!["code"]);
        await api.Client().GetAsync("/open311/v2/services/microwave.melted.json").Problem(404);
        var discovery = await api.Client().GetAsync("/open311/v2/discovery.json").Json(200);
        Assert.EndsWith("/open311/v2", (string?)discovery["endpoints"]![0]!["url"]);

        // The GeoReport way: a form with api_key, lat/long about 50 m from the station.
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = key,
            ["service_code"] = "microwave.broken",
            ["lat"] = "30.3004",
            ["long"] = "120.2000",
            ["description"] = "微波炉不加热",
            ["attribute[external_ref]"] = "12345-2026-0001",
        });
        var created = await api.Client().PostAsync("/open311/v2/requests.json", form).Json(201);
        var id = (string)created[0]!["service_request_id"]!;
        Assert.Equal("12345-2026-0001", await api.ScalarAsync<string>("SELECT external_ref FROM fault_ticket WHERE id = $1", long.Parse(id)));

        var one = (await api.Client().GetAsync($"/open311/v2/requests/{id}.json").Json(200))[0]!;
        Assert.Equal(id, (string?)one["service_request_id"]);
        Assert.Equal("open", (string?)one["status"]);
        Assert.Equal("confirmed", (string?)one["status_notes"]);
        Assert.Equal("microwave.broken", (string?)one["service_code"]);
        Assert.Equal("微波炉不加热", (string?)one["description"]);
        Assert.Equal("顺丰速运", (string?)one["agency_responsible"]);
        Assert.Equal(30.3, (double)one["lat"]!, 6);
        Assert.Equal(120.2, (double)one["long"]!, 6);
        Assert.Equal(station.ToString(), (string?)one["address_id"]);
        Assert.NotNull(one["requested_datetime"]);
        var open = await api.Client().GetAsync("/open311/v2/requests.json?status=open&service_code=microwave.broken").Json(200);
        Assert.Contains(open.AsArray(), r => (string?)r!["service_request_id"] == id);

        // The ticket's own history names the caller.
        var editor = api.Client(key);
        var ticket = await editor.GetAsync($"/api/v1/tickets/{id}").Json(200);
        Assert.Equal(("open311", "open311"), ((string?)ticket["opened_by"], (string?)ticket["confirmed_by"]));
        Assert.Equal($"open311:apikey:{keyId}:hotline-12345", (string?)ticket["history"]![0]!["actor"]);

        // A JSON request with X-Api-Key naming the station joins the open ticket instead of opening another.
        var joined = await editor.PostAsJsonAsync("/open311/v2/requests.json",
            new Dictionary<string, object> { ["service_code"] = "microwave.broken", ["attribute"] = new Dictionary<string, object> { ["station_id"] = station } }).Json(201);
        Assert.Equal(id, (string?)joined[0]!["service_request_id"]);

        api.Clock.Now += TimeSpan.FromHours(2);
        await editor.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { state = "fixed" }).Json(200);
        var closed = (await api.Client().GetAsync($"/open311/v2/requests/{id}.json").Json(200))[0]!;
        Assert.Equal("closed", (string?)closed["status"]);
        Assert.Equal("fixed", (string?)closed["status_notes"]);
        Assert.Equal(api.Clock.Now, (DateTimeOffset)closed["updated_datetime"]!);
        Assert.Contains((await api.Client().GetAsync("/open311/v2/requests.json?status=closed").Json(200)).AsArray(), r => (string?)r!["service_request_id"] == id);
        Assert.DoesNotContain((await api.Client().GetAsync("/open311/v2/requests.json?status=open").Json(200)).AsArray(), r => (string?)r!["service_request_id"] == id);
        var byId = await api.Client().GetAsync($"/open311/v2/requests.json?service_request_id={id}").Json(200);
        Assert.Equal(id, (string?)Assert.Single(byId.AsArray())!["service_request_id"]);
    }

    [Fact]
    public async Task Bad_requests_are_problems_naming_the_parameter_with_the_GeoReport_error_list()
    {
        await world.StationAsync("远处驿站", "美团", 121.0, 31.0);
        var (key, _) = await world.KeyAsync("editor");
        var editor = api.Client(key);
        var missing = await editor.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["lat"] = "31.0", ["long"] = "121.0" })).Problem(400, "service_code");
        Assert.Equal(400, (int)missing["open311_errors"]![0]!["code"]!);
        Assert.Contains("service_code", (string?)missing["open311_errors"]![0]!["description"]);
        await editor.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken" })).Problem(400, "lat");
        await editor.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken", ["lat"] = "95", ["long"] = "121" })).Problem(400, "lat");
        // Nothing within 300 m.
        await editor.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken", ["lat"] = "31.01", ["long"] = "121.0" })).Problem(400, "lat");
        await editor.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken", ["attribute[station_id]"] = "999999" })).Problem(400, "attribute[station_id]");
        await editor.PostAsync("/open311/v2/requests.json", new StringContent("not json", System.Text.Encoding.UTF8, "application/json")).Problem(415);
        await editor.PostAsync("/open311/v2/requests.json", new StringContent("service_code=toilet.broken&b=%00", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded")).Problem(400, "body");
        await editor.PostAsJsonAsync("/open311/v2/requests.json", new { service_code = "toilet.broken", description = "a\u0000b" }).Problem(400, "description");
        // Without an editor key: 401, whether the key is missing or a reader's.
        await api.Client().PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken" })).Problem(401);
        var reader = (await world.KeyAsync("reader")).Key;
        await api.Client().PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken", ["api_key"] = reader })).Problem(401);
        await api.Client(reader).PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken" })).Problem(403);

        await api.Client().GetAsync("/open311/v2/requests.json?status=pending").Problem(400, "status");
        await api.Client().GetAsync("/open311/v2/requests.json?start_date=yesterday").Problem(400, "start_date");
        await api.Client().GetAsync("/open311/v2/requests.json?start_date=2026-11-01T00:00:00").Problem(400, "start_date");
        await api.Client().GetAsync("/open311/v2/requests.json?service_request_id=1,x").Problem(400, "service_request_id");
        await api.Client().GetAsync("/open311/v2/requests/abc.json").Problem(400, "service_request_id");
        var gone = await api.Client().GetAsync("/open311/v2/requests/999999.json").Problem(404);
        Assert.Equal(404, (int)gone["open311_errors"]![0]!["code"]!);
        await api.Client().GetAsync("/open311/v2/nope.json").Problem(404);
    }

    /// <summary>An XML answer: its status, content type and document.</summary>
    static async Task<XDocument> Xml(HttpResponseMessage response, int status, string mediaType = "application/xml")
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(body);
    }

    [Fact]
    public async Task Every_endpoint_has_an_XML_twin_with_the_JSON_fields_and_problems_also_as_problem_xml_when_asked()
    {
        var station = await world.StationAsync("XML热线驿站", "京东物流", 120.2100, 30.3100);
        var (key, _) = await world.KeyAsync("editor", name: "hotline-xml");
        var client = api.Client();

        var services = await Xml(await client.GetAsync("/open311/v2/services.xml"), 200);
        Assert.Equal("services", services.Root!.Name.LocalName);
        var codes = (await client.GetAsync("/open311/v2/services.json").Json(200)).AsArray().Select(s => (string)s!["service_code"]!).ToList();
        Assert.Equal(codes, services.Root.Elements("service").Select(e => (string)e.Element("service_code")!).ToList());
        Assert.Equal("true", (string?)services.Root.Elements("service").First().Element("metadata"));
        var definition = await Xml(await client.GetAsync("/open311/v2/services/microwave.broken.xml"), 200);
        Assert.Equal(["station_id", "external_ref"], definition.Root!.Element("attributes")!.Elements("attribute").Select(a => (string)a.Element("code")!));
        var discovery = await Xml(await client.GetAsync("/open311/v2/discovery.xml"), 200);
        Assert.Contains("application/xml", discovery.Root!.Descendants("format").Select(f => f.Value));

        // A form posted to requests.xml is answered in XML, and Location is the XML request.
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = key,
            ["service_code"] = "toilet.broken",
            ["attribute[station_id]"] = station.ToString(),
            ["description"] = "厕所门锁坏了 <&>",
        });
        var created = await client.PostAsync("/open311/v2/requests.xml", form);
        var createdXml = await Xml(created, 201);
        var id = (string)createdXml.Root!.Element("request")!.Element("service_request_id")!;
        Assert.Equal("service_requests", createdXml.Root.Name.LocalName);
        Assert.Equal($"/open311/v2/requests/{id}.xml", created.Headers.Location?.OriginalString);

        // The XML request has every member of the JSON one, with the same text (nulls as empty elements).
        var json = (JsonObject)(await client.GetAsync($"/open311/v2/requests/{id}.json").Json(200))[0]!;
        var xml = (await Xml(await client.GetAsync($"/open311/v2/requests/{id}.xml"), 200)).Root!.Element("request")!;
        foreach (var (name, value) in json)
        {
            var element = xml.Element(name);
            Assert.True(element is not null, $"no <{name}> in the XML request");
            if (value is null) Assert.True(element.IsEmpty, $"<{name}> should be empty");
            else if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number) Assert.Equal((double)value, double.Parse(element.Value, System.Globalization.CultureInfo.InvariantCulture), 9);
            else if (name.EndsWith("_datetime", StringComparison.Ordinal)) Assert.Equal((DateTimeOffset)value, DateTimeOffset.Parse(element.Value, System.Globalization.CultureInfo.InvariantCulture));
            else Assert.Equal((string?)value, element.Value);
        }
        Assert.Equal("厕所门锁坏了 <&>", (string?)xml.Element("description"));
        var list = await Xml(await client.GetAsync("/open311/v2/requests.xml?status=open&service_code=toilet.broken"), 200);
        Assert.Contains(list.Root!.Elements("request"), r => (string?)r.Element("service_request_id") == id);

        // Problems are the API's problem+json, as on every endpoint…
        await client.GetAsync("/open311/v2/requests.xml?status=pending").Problem(400, "status");
        // …or, for a caller whose Accept names XML, the same problem as RFC 9457 XML with the GeoReport errors beside it.
        var xmlClient = api.Client();
        xmlClient.DefaultRequestHeaders.Accept.Clear();
        xmlClient.DefaultRequestHeaders.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("text/xml"));
        XNamespace ns = "urn:ietf:rfc:7807";
        var bad = (await Xml(await xmlClient.GetAsync("/open311/v2/requests.xml?status=pending"), 400, "application/problem+xml")).Root!;
        Assert.Equal(ns + "problem", bad.Name);
        Assert.Equal("/problems/invalid-parameters", (string?)bad.Element(ns + "type"));
        Assert.Equal("status", (string?)bad.Element(ns + "errors")!.Element(ns + "error")!.Attribute("parameter"));
        Assert.Equal("400", (string?)bad.Element(ns + "open311_errors")!.Element(ns + "error")!.Element(ns + "code"));
        Assert.False(string.IsNullOrEmpty((string?)bad.Element(ns + "traceId")));
        xmlClient.DefaultRequestHeaders.Add("X-Api-Key", key);
        var missing = (await Xml(await xmlClient.PostAsync("/open311/v2/requests.xml",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken", ["attribute[station_id]"] = "999999" })), 400, "application/problem+xml")).Root!;
        Assert.Equal("attribute[station_id]", (string?)missing.Element(ns + "errors")!.Element(ns + "error")!.Attribute("parameter"));
        var unknown = (await Xml(await xmlClient.GetAsync("/open311/v2/services/microwave.melted.xml"), 404, "application/problem+xml")).Root!;
        Assert.Equal("404", (string?)unknown.Element(ns + "open311_errors")!.Element(ns + "error")!.Element(ns + "code"));
        await Xml(await xmlClient.GetAsync("/open311/v2/requests/999999.xml"), 404, "application/problem+xml");
        var asJson = await client.GetAsync("/open311/v2/requests/999999.xml");
        Assert.Contains("Accept", asJson.Headers.Vary);   // the problem's format follows Accept
        await asJson.Problem(404);
        // XML only when it is preferred: a lower q than JSON's keeps problem+json.
        var lower = new HttpRequestMessage(HttpMethod.Get, "/open311/v2/requests/999999.xml");
        lower.Headers.TryAddWithoutValidation("Accept", "application/problem+json, Application/XML;q=0.1");
        await (await api.Client().SendAsync(lower)).Problem(404);
        var higher = new HttpRequestMessage(HttpMethod.Get, "/open311/v2/requests/999999.xml");
        higher.Headers.Accept.Clear();
        higher.Headers.TryAddWithoutValidation("Accept", "application/json;q=0.5, Application/XML");
        var higherClient = api.Client();
        higherClient.DefaultRequestHeaders.Accept.Clear();
        await Xml(await higherClient.SendAsync(higher), 404, "application/problem+xml");
        // Refused before the endpoint runs: the API's usual 401.
        await client.PostAsync("/open311/v2/requests.xml", new FormUrlEncodedContent(new Dictionary<string, string> { ["service_code"] = "toilet.broken" })).Problem(401);
    }
}
