namespace StationMap.Api.Infrastructure;

/// <summary>
/// The problem catalogue (<see cref="Problems.All"/>) as a Markdown table for the OpenAPI document's
/// description, as the README lists it. Built once into the document's info at start-up: a document
/// filter that appended it would grow the shared info object on every request for the document.
/// </summary>
public static class ProblemCatalogueDocument
{
    public static string Table() =>
        "Every problem's `type` is one of these stable URI references (RFC 9457):\n\n| type | status | title |\n| --- | --- | --- |\n" +
        string.Join("\n", Problems.All.Select(k => $"| `{k.Type}` | {k.Status} | {k.Title} |")) + "\n";
}
