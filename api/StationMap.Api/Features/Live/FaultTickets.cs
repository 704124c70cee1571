using Npgsql;

namespace StationMap.Api.Features.Live;

/// <summary>
/// The ticket rules, applied to every signal inside its own transaction (README, "Fault tickets,
/// trust and moderation"):
/// <list type="bullet">
/// <item>a report of broken, empty, closed_now, wrong_location or gone opens a ticket (reported) or joins
///   the unfinished one of the same station, amenity and problem; <see cref="TrustOptions.DevicesToConfirm"/>
///   distinct devices confirm it (confirmed_by devices; its reporters gain trust);</item>
/// <item>staff or a sensor saying the same confirms it (or opens it confirmed); saying working/operating
///   rejects a reported ticket (its reporters lose trust), fixes a confirmed or acknowledged one and
///   verifies a fixed one;</item>
/// <item>a check-in from any device, or a courier's working report, verifies a fixed ticket;</item>
/// <item>a courier's crowding contradicted by a staff or sensor crowding value within 15 minutes loses
///   a third of <see cref="TrustOptions.ContradictedLoss"/>;</item>
/// <item>reports from devices below <see cref="TrustOptions.ModerationBelow"/>, claims of gone or
///   wrong_location and reports contradicting a staff or sensor value of the last 2 hours go to the
///   moderation queue.</item>
/// </list>
/// A check-in costs nothing when the in-memory live state shows no fixed ticket at the station and no
/// staff or sensor crowding of the last 15 minutes (<see cref="MayAct"/>); otherwise one indexed query,
/// and it writes nothing unless one of them is there. A courier's "working" report is as cheap unless a fixed
/// ticket, a low trust or a staff value says otherwise. The contradiction checks read the in-memory state
/// (the newest signals of each field and source, fed by this instance's commits and the others' announcements),
/// not a scan of live_signal.
/// </summary>
public sealed class FaultTickets(TicketSteps steps, LiveState state) : IFaultTickets
{
    public bool MayAct(SignalDraft draft)
    {
        if (draft.Kind == "report") return MayActOnReport(draft);
        // Staff or sensor values act through operating, amenities and crowding only (seats, batteries: never).
        if (draft.Kind == "live") return draft.Fields.Operating is not null || draft.Fields.Amenities is { Count: > 0 } || draft.Fields.Crowding is not null;
        if (draft.Kind != "checkin") return true;
        if (_state.Tickets(draft.StationId).Any(t => t.State == "fixed")) return true;
        if (draft.Fields.Crowding is null) return false;
        var since = draft.ObservedAt - CrowdingContradictionWindow;
        return _state.Signals(draft.StationId, since).Any(s => s.Source != LiveSources.Crowd && s.Fields.Crowding is not null);
    }

    /// <summary>
    /// A courier's "working" (or "operating") report acts only on a fixed ticket of that amenity, or goes to
    /// moderation (a little-trusted device, or staff said otherwise in the last 2 h); anything else may act.
    /// </summary>
    bool MayActOnReport(SignalDraft draft)
    {
        if (draft.Source != LiveSources.Crowd || draft.ReportAmenity is not { } amenity || draft.ReportState is not { } said) return true;
        if (!IsAllClear(amenity, said)) return true;
        if (draft.Trust < _steps.Trust.ModerationBelow) return true;
        if (_state.Tickets(draft.StationId).Any(t => t.State == "fixed" && t.Amenity == amenity)) return true;
        return StaffValue(draft.StationId, amenity, draft.ObservedAt) is { } staff && IsProblem(staff);
    }

    /// <summary>
    /// What staff or a sensor last said of <paramref name="amenity"/> (or, for "station", of operating) in the
    /// <see cref="StaffConflictWindow"/> up to <paramref name="at"/>, from the in-memory state: it keeps the newest
    /// signals of each amenity and source, so the newest staff value is always there.
    /// </summary>
    string? StaffValue(long stationId, string amenity, DateTimeOffset at)
    {
        var signals = _state.Signals(stationId, at - StaffConflictWindow);
        for (var i = signals.Count - 1; i >= 0; i--)
        {
            var s = signals[i];
            if (s.Source == LiveSources.Crowd || s.ObservedAt > at) continue;
            var value = amenity == LiveVocabulary.StationAmenity ? s.Fields.Operating : s.Fields.Amenities?.GetValueOrDefault(amenity);
            if (value is not null) return value;
        }
        return null;
    }

    public static readonly TimeSpan CrowdingContradictionWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan StaffConflictWindow = TimeSpan.FromHours(2);
    /// <summary>A contradicted crowding check-in costs this share of <see cref="TrustOptions.ContradictedLoss"/> (crowding changes fast; a fault report is a stronger claim).</summary>
    public const double CrowdingLossShare = 1.0 / 3;

    /// <summary>The problems a "working" amenity or an "operating" station contradicts.</summary>
    static string[] Contradicted(string amenity) => amenity == LiveVocabulary.StationAmenity ? ["closed_now", "gone"] : ["broken", "empty"];

    static bool IsProblem(string state) => LiveVocabulary.FaultProblems.Contains(state);

    static bool IsAllClear(string amenity, string state) => amenity == LiveVocabulary.StationAmenity ? state == "operating" : state == "working";

    public async Task<IReadOnlyList<long>> OnSignalAsync(NpgsqlConnection conn, NpgsqlTransaction tx, LiveSignal signal, CancellationToken ct)
    {
        var changed = new List<long>();
        var run = new Run(this, conn, tx, signal, changed, ct);
        switch (signal.Kind)
        {
            case "checkin":
                await run.CheckInAsync();
                break;
            case "report" when signal.ReportAmenity is { } amenity && signal.ReportState is { } state:
                await run.ReportAsync(amenity, state);
                break;
            case "live":
                await run.LiveAsync();
                break;
        }
        return changed.Distinct().ToList();
    }

    /// <summary>One signal's work: the connection, its transaction and what changed.</summary>
    sealed class Run(FaultTickets owner, NpgsqlConnection conn, NpgsqlTransaction tx, LiveSignal signal, List<long> changed, CancellationToken ct)
    {
        readonly TicketSteps _steps = owner._steps;
        string? _actor;
        DateTimeOffset At => signal.ReceivedAt;
        bool IsCrowd => signal.Source == LiveSources.Crowd;

        /// <summary>device:ID for couriers, apikey:ID:NAME for staff and sensors (read once, only when a ticket steps).</summary>
        async Task<string> ActorAsync()
        {
            if (_actor is not null) return _actor;
            if (signal.DeviceId is { } device) return _actor = $"device:{device}";
            if (signal.ApiKeyId is not { } key) return _actor = "system";
            await using var cmd = new NpgsqlCommand("SELECT name FROM api_key WHERE id = $1", conn, tx);
            cmd.Parameters.AddWithValue(key);
            return _actor = $"apikey:{key}:{await cmd.ExecuteScalarAsync(ct) as string}";
        }

        public async Task CheckInAsync()
        {
            // One query: the station's fixed tickets and, for a crowding check-in, the latest staff or sensor crowding of the last 15 min.
            await using var cmd = new NpgsqlCommand("""
                SELECT 'ticket', t.id, NULL::text FROM fault_ticket t WHERE t.station_id = $1 AND t.state = 'fixed'
                UNION ALL
                (SELECT 'crowding', l.id, l.fields->>'crowding' FROM live_signal l
                 WHERE $2::text IS NOT NULL AND l.station_id = $1 AND l.observed_at > $3 AND l.observed_at <= $4
                   AND l.source <> 'crowd' AND l.fields ? 'crowding'
                 ORDER BY l.observed_at DESC LIMIT 1)
                """, conn, tx);
            cmd.Parameters.AddWithValue(signal.StationId);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)signal.Fields.Crowding ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.AddWithValue(signal.ObservedAt - CrowdingContradictionWindow);
            cmd.Parameters.AddWithValue(signal.ObservedAt);
            var fixedTickets = new List<long>();
            string? staffCrowding = null;
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                    if (r.GetString(0) == "ticket") fixedTickets.Add(r.GetInt64(1));
                    else staffCrowding = r.GetString(2);

            if (fixedTickets.Count > 0)
                foreach (var ticket in await TicketSteps.LockAsync(conn, tx, signal.StationId, null, null, ["fixed"], ct))
                    await StepAsync(ticket, "verified", "a check-in after the fix");
            if (IsCrowd && staffCrowding is not null && signal.Fields.Crowding is { } said && said != staffCrowding)
                await _steps.TrustAsync(conn, tx, [signal.DeviceId!.Value], confirmed: false, ct, _steps.Trust.ContradictedLoss * CrowdingLossShare);
        }

        public async Task ReportAsync(string amenity, string state)
        {
            var ticket = await ClaimAsync(amenity, state);
            if (IsCrowd) await ModerateReportAsync(amenity, state, ticket);
        }

        public async Task LiveAsync()
        {
            var fields = signal.Fields;
            if (fields.Operating is { } operating) await ClaimAsync(LiveVocabulary.StationAmenity, operating);
            foreach (var (amenity, state) in fields.Amenities ?? new Dictionary<string, string>())
                await ClaimAsync(amenity, state);
            if (!IsCrowd && fields.Crowding is { } crowding) await PenaliseContradictedCrowdingAsync(crowding);
        }

        /// <summary>What one signal says of one amenity (or of the station): a problem, or all clear.</summary>
        /// <summary>Returns the ticket a problem opened or joined.</summary>
        async Task<long?> ClaimAsync(string amenity, string state)
        {
            if (IsProblem(state)) return await ProblemAsync(amenity, state);
            if (IsAllClear(amenity, state)) await AllClearAsync(amenity);
            return null;
        }

        async Task<long> ProblemAsync(string amenity, string problem)
        {
            var actor = await ActorAsync();
            var (ticket, opened) = await _steps.OpenOrJoinAsync(conn, tx, signal.StationId, amenity, problem, signal.Source, signal.DeviceId,
                null, null, actor, signal.Id, At, ct);
            // Opened or joined, the report names its ticket (the ingest's answer carries it).
            changed.Add(ticket.Id);

            if (IsCrowd)
            {
                var device = signal.DeviceId!.Value;
                if (!opened && !await TicketSteps.AddReporterAsync(conn, tx, ticket.Id, device, At, ct)) return ticket.Id;  // the same device again: nothing new
                if (!opened) ticket = ticket with { Reporters = [.. ticket.Reporters, device] };
                if (ticket.State == "reported" && ticket.Reporters.Distinct().Count() >= Math.Max(1, _steps.Trust.DevicesToConfirm))
                {
                    await StepAsync(ticket, "confirmed", $"{ticket.Reporters.Distinct().Count()} devices reported it", confirmedBy: "devices");
                    await _steps.TrustAsync(conn, tx, ticket.Reporters, confirmed: true, ct);
                }
            }
            else if (ticket.State == "reported")
            {
                await StepAsync(ticket, "confirmed", $"{signal.Source} says {problem}", confirmedBy: signal.Source);
                await _steps.TrustAsync(conn, tx, ticket.Reporters, confirmed: true, ct);
            }
            return ticket.Id;
        }

        async Task AllClearAsync(string amenity)
        {
            var problems = Contradicted(amenity);
            var states = IsCrowd ? new[] { "fixed" } : ["reported", "confirmed", "acknowledged", "fixed"];
            foreach (var ticket in await TicketSteps.LockAsync(conn, tx, signal.StationId, amenity, problems, states, ct))
                switch (ticket.State)
                {
                    case "reported":
                        await StepAsync(ticket, "rejected", $"{signal.Source} says {(amenity == LiveVocabulary.StationAmenity ? "operating" : "working")}");
                        await _steps.TrustAsync(conn, tx, ticket.Reporters, confirmed: false, ct);
                        break;
                    case "confirmed" or "acknowledged":
                        await StepAsync(ticket, "fixed", $"{signal.Source} says working");
                        break;
                    case "fixed":
                        await StepAsync(ticket, "verified", IsCrowd ? "a courier reports it working" : $"{signal.Source} says working");
                        break;
                }
        }

        async Task StepAsync(LockedTicket ticket, string state, string note, string? confirmedBy = null)
        {
            await _steps.StepAsync(conn, tx, ticket, state, await ActorAsync(), signal.Id, note, At, ct, confirmedBy);
            changed.Add(ticket.Id);
        }

        /// <summary>A courier's report goes to the queue when the device is little trusted, claims the station gone or misplaced, or contradicts staff of the last 2 h.</summary>
        async Task ModerateReportAsync(string amenity, string state, long? ticketId)
        {
            var reasons = new List<string>();
            if (signal.Trust < _steps.Trust.ModerationBelow && (IsProblem(state) || IsAllClear(amenity, state))) reasons.Add("low_trust");
            if (state == "gone") reasons.Add("claims_gone");
            if (state == "wrong_location") reasons.Add("claims_wrong_location");
            if (state != "wrong_location" && (IsProblem(state) || IsAllClear(amenity, state))
                && owner.StaffValue(signal.StationId, amenity, signal.ObservedAt) is { } staff && staff != state
                && (IsProblem(state) ? IsAllClear(amenity, staff) : IsProblem(staff)))
                reasons.Add("conflicts_with_staff");
            foreach (var reason in reasons)
                await TicketSteps.ModerateAsync(conn, tx, signal.StationId, signal.Id, ticketId, signal.DeviceId, reason, At, ct);
        }

        /// <summary>Staff or a sensor gives crowding: couriers who said otherwise in the 15 min before (and after any earlier staff value) lose a little trust.</summary>
        async Task PenaliseContradictedCrowdingAsync(string crowding)
        {
            var since = signal.ObservedAt - CrowdingContradictionWindow;
            var recent = owner._state.Signals(signal.StationId, since);
            var after = since;
            foreach (var s in recent)
                if (s.Source != LiveSources.Crowd && s.Id != signal.Id && s.Fields.Crowding is not null && s.ObservedAt <= signal.ObservedAt && s.ObservedAt > after)
                    after = s.ObservedAt;
            var contradicted = recent
                .Where(c => c.Kind == "checkin" && c.Source == LiveSources.Crowd && c.DeviceId is not null && c.ObservedAt > after
                            && c.ObservedAt <= signal.ObservedAt && c.Fields.Crowding is { } said && said != crowding)
                .Select(c => c.DeviceId!.Value).Distinct().ToList();
            if (contradicted.Count > 0)
                await _steps.TrustAsync(conn, tx, contradicted, confirmed: false, ct, _steps.Trust.ContradictedLoss * CrowdingLossShare);
        }
    }

    readonly TicketSteps _steps = steps;
    readonly LiveState _state = state;
}
