using System.Xml.Linq;
using StationMap.Api.Features.Live;

namespace StationMap.Tests.Live;

/// <summary>GeoReport XML documents from the same records the JSON side writes.</summary>
public sealed class Open311XmlTests
{
    [Fact]
    public void Text_XML_cannot_carry_becomes_the_replacement_character_and_the_rest_is_kept()
    {
        Assert.Equal("ok 微波炉 😀\t\n", Open311Xml.Text("ok 微波炉 😀\t\n"));
        Assert.Equal("a\uFFFDb\uFFFDc\uFFFD", Open311Xml.Text("a\u0001b\uD800c\uDC00"));
        Assert.Equal("\uFFFD😀", Open311Xml.Text("\u0000😀"));
    }

    [Fact]
    public void A_list_of_requests_is_service_requests_of_request_elements_with_empty_elements_for_nulls()
    {
        var at = new DateTimeOffset(2026, 12, 2, 9, 30, 0, TimeSpan.FromHours(8));
        var request = new Open311Request("7", "open", "confirmed", "厕所故障 / Toilet broken", "toilet.broken", "bad \u0002 text <&>", null, null, at, at, null,
            "驿站, 地址", "12", null, 30.25, 120.5, null);
        var doc = XDocument.Parse(Open311Xml.Document(new List<Open311Request> { request }).ToString());
        var element = Assert.Single(doc.Root!.Elements("request"));
        Assert.Equal("service_requests", doc.Root.Name.LocalName);
        Assert.Equal("7", (string?)element.Element("service_request_id"));
        Assert.Equal("bad \uFFFD text <&>", (string?)element.Element("description"));
        Assert.True(element.Element("agency_responsible")!.IsEmpty);
        Assert.Equal(at, DateTimeOffset.Parse((string)element.Element("requested_datetime")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("120.5", (string?)element.Element("long"));
        // The catalogue's own fields (amenity, problem) are no part of the document, as in JSON.
        var services = Open311Xml.Document(Open311Catalogue.Services).Root!;
        Assert.Equal("services", services.Name.LocalName);
        Assert.Null(services.Element("service")!.Element("amenity"));
    }
}
