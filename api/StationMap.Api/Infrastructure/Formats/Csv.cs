using System.Globalization;
using System.Reflection;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http.Metadata;

namespace StationMap.Api.Infrastructure.Formats;

/// <summary>A CSV table's shape: its header (stable column names, documented in OpenAPI) and how one row is written.</summary>
public interface ICsvRow
{
    /// <summary>The header, in order.</summary>
    static abstract IReadOnlyList<string> Columns { get; }

    /// <summary>The row's values in <see cref="Columns"/> order (null = empty field).</summary>
    IEnumerable<object?> Values();
}

/// <summary>File names offered for CSV downloads.</summary>
public static class CsvFiles
{
    /// <summary>Text made safe for a file name: ASCII letters, digits and - _ . kept, anything else becomes _.</summary>
    public static string Part(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}

/// <summary>The CSV columns of an endpoint, for the OpenAPI document.</summary>
public sealed record CsvColumnsMetadata(IReadOnlyList<string> Columns);

/// <summary>How a <see cref="Csv{TRow}"/> answer is described in the OpenAPI document.</summary>
public static class Csv
{
    public const string MediaType = "text/csv";

    /// <summary>The columns an endpoint's CSV answer has, from its <see cref="Csv{TRow}"/> metadata; null when it sends no CSV.</summary>
    public static IReadOnlyList<string>? Columns(IEnumerable<object> endpointMetadata) =>
        endpointMetadata.OfType<CsvColumnsMetadata>().FirstOrDefault()?.Columns;

    /// <summary>
    /// A string whose columns are listed in the description and, machine-readably, in the extension
    /// <c>x-csv-columns</c> (the header row, in order), since OpenAPI has no vocabulary for a table.
    /// </summary>
    public static Microsoft.OpenApi.OpenApiSchema Schema(IReadOnlyList<string> columns) => new()
    {
        Type = Microsoft.OpenApi.JsonSchemaType.String,
        Description = "CSV (RFC 4180, UTF-8 with a byte-order mark), one header row, then one row per item. Columns: " + string.Join(", ", columns) + ".",
        Extensions = new Dictionary<string, Microsoft.OpenApi.IOpenApiExtension>
        {
            ["x-csv-columns"] = new Microsoft.OpenApi.JsonNodeExtension(new System.Text.Json.Nodes.JsonArray([.. columns.Select(c => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(c))])),
        },
    };
}

/// <summary>
/// A CSV answer (RFC 4180, <c>text/csv; charset=utf-8</c>) with a UTF-8 byte-order mark, because Excel
/// on Windows reads a file without one in the local code page and garbles Chinese names, and with
/// <c>Content-Disposition: attachment</c> so a browser saves it under a useful name.
/// </summary>
public sealed class Csv<TRow> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IContentTypeHttpResult where TRow : ICsvRow
{
    public const string MediaType = Csv.MediaType;
    readonly IReadOnlyList<TRow> _rows;

    /// <param name="rows">The rows.</param>
    /// <param name="fileName">File name offered to the browser, e.g. <c>stations-page-1.csv</c> (ASCII: letters, digits, - _ .).</param>
    public Csv(IEnumerable<TRow> rows, string fileName)
    {
        _rows = rows.ToList();
        FileName = fileName;
    }

    public string FileName { get; }

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => MediaType + "; charset=utf-8";

    /// <summary>The body as text (without the byte-order mark).</summary>
    public string Text()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var c in TRow.Columns) csv.WriteField(c);
            csv.NextRecord();
            foreach (var row in _rows)
            {
                foreach (var value in row.Values()) csv.WriteField(Format(value));
                csv.NextRecord();
            }
        }
        return text.ToString();
    }

    static string? Format(object? value) => value switch
    {
        null => null,
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Text())).ToArray();
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
        {
            FileName = $"\"{FileName}\"",
        }.ToString();
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [MediaType])
        {
            Description = "CSV (UTF-8 with BOM, header row) with the columns: " + string.Join(", ", TRow.Columns) + ".",
        });
        builder.Metadata.Add(new CsvColumnsMetadata(TRow.Columns));
    }
}
