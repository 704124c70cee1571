using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <summary>The problems of fault tickets and moderation (listed in <see cref="Problems.All"/> and the README table).</summary>
public static class TicketProblems
{
    public static readonly ProblemKind TicketNotFound = new("ticket-not-found", 404,
        "Fault ticket not found.", "no ticket with that id that the caller may see (reported and rejected tickets are shown to editors and the station's operator only)");
    public static readonly ProblemKind ModerationItemNotFound = new("moderation-item-not-found", 404,
        "Moderation item not found.", "no moderation item with that id");
    public static readonly ProblemKind TicketTransition = new("ticket-transition", 409,
        "The ticket cannot take that step from its current state.", "a ticket transition that its state does not allow (e.g. fixed before confirmed, or any step after verified)");
    public static readonly ProblemKind ModerationDecided = new("moderation-decided", 409,
        "The moderation item is already decided.", "a decision on an item that already has one");
}
