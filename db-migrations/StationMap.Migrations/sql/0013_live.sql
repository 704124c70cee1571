-- 0013: live station state and the courier feedback loop (README, "Live station state").
--
-- Who speaks: couriers' phones (device, an anonymous token stored as its SHA-256), station staff and
-- sensors (api_key of role 'operator', bound to one operator name; station.operator must equal it).
--
-- live_signal: every check-in, report and live PUT, as received; never updated or deleted by the
--   API (the fusion reads the recent ones, the typical profile and the usage statistics the rest).
--   Couriers' positions are not kept: only how far from the station the phone said it was.
--   fields = what the signal says, in the fusion's vocabulary:
--     {"crowding": "empty"|"some_seats"|"full", "seats_free": n, "occupancy": n,
--      "charged_available": n, "operating": "operating"|"closed_now",
--      "amenities": {"microwave": "working"|"broken"|"empty", ...}}
--   report_amenity/report_state: a report's own words (amenity or 'station'; working, broken, empty,
--   charged_available, operating, closed_now, wrong_location, gone), for tickets and statistics.
-- live_change: the change sequence. One row per transaction that changes what a station's live
--   state shows (a signal, a ticket step, a moderation decision, a device blocked); seq is the
--   Server-Sent Events id. Channel stationmap_live_change carries '<instance>|<seq>:<station_id>:<cause>:<ref_id>;…',
--   sent by the writing instance after its commits, batched (a NOTIFY inside every signal's
--   transaction would serialise the commits), so every API instance applies what another wrote.
-- fault_ticket: a fault's life, reported → confirmed → acknowledged → fixed → verified (or rejected),
--   one timestamp per step; fault_ticket_event is its audit trail (who, when, why).
-- moderation_item: what an editor must look at; decided once, audited by decided_by/decided_at.
-- webhook, webhook_delivery, webhook_attempt: signed ticket events for operators, an outbox that
--   survives restarts (a delivery is a row before it is tried) and the log of every attempt.
-- idempotency_record: the first answer to a write sent with an Idempotency-Key, per caller.

ALTER TABLE api_key DROP CONSTRAINT api_key_role_check;
ALTER TABLE api_key ADD CONSTRAINT api_key_role_check CHECK (role IN ('reader', 'editor', 'admin', 'operator'));
ALTER TABLE api_key ADD COLUMN operator text CHECK (operator IS NULL OR length(btrim(operator)) BETWEEN 1 AND 200);
ALTER TABLE api_key ADD CONSTRAINT api_key_operator_bound CHECK ((role = 'operator') = (operator IS NOT NULL));

CREATE TABLE device (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash         bytea       NOT NULL UNIQUE,
    token_prefix       text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    last_seen_at       timestamptz,
    -- 0..1; a new device starts at LiveOptions.Trust.Initial, gains when later confirmed, loses when contradicted.
    trust              real        NOT NULL CHECK (trust BETWEEN 0 AND 1),
    confirmed_count    integer     NOT NULL DEFAULT 0,
    contradicted_count integer     NOT NULL DEFAULT 0,
    revoked_at         timestamptz,
    blocked_at         timestamptz,
    blocked_by         text,
    block_reason       text        CHECK (block_reason IS NULL OR length(block_reason) <= 500),
    is_demo            boolean     NOT NULL DEFAULT false
);

CREATE TABLE live_signal (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    station_id     bigint      NOT NULL REFERENCES station (id) ON DELETE CASCADE,
    kind           text        NOT NULL CHECK (kind IN ('checkin', 'report', 'live')),
    source         text        NOT NULL CHECK (source IN ('crowd', 'staff', 'sensor')),
    device_id      bigint      REFERENCES device (id) ON DELETE CASCADE,
    api_key_id     bigint      REFERENCES api_key (id),
    -- The reporter's trust when the signal arrived (1 for a key): the fusion's weight.
    trust          real        NOT NULL CHECK (trust BETWEEN 0 AND 1),
    observed_at    timestamptz NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    distance_m     real,
    fields         jsonb       NOT NULL CHECK (jsonb_typeof(fields) = 'object'),
    report_amenity text,
    report_state   text,
    note           text        CHECK (note IS NULL OR length(note) <= 500),
    CHECK ((source = 'crowd') = (device_id IS NOT NULL)),
    CHECK ((kind = 'report') = (report_state IS NOT NULL))
);
CREATE INDEX live_signal_station_time_idx ON live_signal (station_id, observed_at DESC);
CREATE INDEX live_signal_received_idx ON live_signal (received_at);
CREATE INDEX live_signal_device_idx ON live_signal (device_id, received_at) WHERE device_id IS NOT NULL;

CREATE TABLE live_change (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    station_id bigint      NOT NULL,
    cause      text        NOT NULL CHECK (cause IN ('signal', 'ticket', 'moderation', 'device')),
    ref_id     bigint,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_change_changed_at_idx ON live_change (changed_at);
CREATE INDEX live_change_station_idx ON live_change (station_id, seq DESC);

CREATE TABLE fault_ticket (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    station_id      bigint      NOT NULL REFERENCES station (id) ON DELETE CASCADE,
    amenity         text        NOT NULL,   -- an amenity of StationVocabulary, or 'station'
    problem         text        NOT NULL CHECK (problem IN ('broken', 'empty', 'closed_now', 'wrong_location', 'gone')),
    state           text        NOT NULL CHECK (state IN ('reported', 'confirmed', 'acknowledged', 'fixed', 'verified', 'rejected')),
    description     text        CHECK (description IS NULL OR length(description) <= 2000),
    opened_by       text        NOT NULL CHECK (opened_by IN ('crowd', 'staff', 'sensor', 'open311', 'editor')),
    confirmed_by    text        CHECK (confirmed_by IS NULL OR confirmed_by IN ('devices', 'staff', 'sensor', 'moderator', 'open311')),
    reporters       bigint[]    NOT NULL DEFAULT '{}',   -- the devices that reported it
    external_ref    text,                                -- an Open311 caller's own id, if it sent one
    reported_at     timestamptz NOT NULL,
    confirmed_at    timestamptz,
    acknowledged_at timestamptz,
    fixed_at        timestamptz,
    verified_at     timestamptz,
    rejected_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
-- At most one unfinished ticket per station, amenity and problem: a new report joins it.
CREATE UNIQUE INDEX fault_ticket_open_idx ON fault_ticket (station_id, amenity, problem)
    WHERE state IN ('reported', 'confirmed', 'acknowledged');
CREATE INDEX fault_ticket_station_idx ON fault_ticket (station_id, state);
CREATE INDEX fault_ticket_reported_at_idx ON fault_ticket (reported_at);

CREATE TABLE fault_ticket_event (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id bigint      NOT NULL REFERENCES fault_ticket (id) ON DELETE CASCADE,
    state     text        NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text        NOT NULL,   -- device:ID, apikey:ID:NAME, open311:…, system
    signal_id bigint      REFERENCES live_signal (id) ON DELETE SET NULL,
    note      text        CHECK (note IS NULL OR length(note) <= 2000)
);
CREATE INDEX fault_ticket_event_ticket_idx ON fault_ticket_event (ticket_id, id);

CREATE TABLE moderation_item (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    station_id bigint      NOT NULL REFERENCES station (id) ON DELETE CASCADE,
    signal_id  bigint      REFERENCES live_signal (id) ON DELETE CASCADE,
    ticket_id  bigint      REFERENCES fault_ticket (id) ON DELETE CASCADE,
    device_id  bigint      REFERENCES device (id) ON DELETE CASCADE,
    reason     text        NOT NULL CHECK (reason IN ('claims_gone', 'claims_wrong_location', 'low_trust', 'conflicts_with_staff')),
    created_at timestamptz NOT NULL DEFAULT now(),
    decision   text        CHECK (decision IS NULL OR decision IN ('accept', 'reject')),
    decided_by text,
    decided_at timestamptz,
    note       text        CHECK (note IS NULL OR length(note) <= 2000),
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX moderation_item_open_idx ON moderation_item (created_at) WHERE decision IS NULL;

CREATE TABLE webhook (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url        text        NOT NULL CHECK (url ~ '^https?://'),
    events     text[]      NOT NULL,
    -- The HMAC-SHA256 key; it has to be kept to sign, and is shown only once, at creation.
    secret     text        NOT NULL CHECK (length(secret) >= 16),
    operator   text,        -- only tickets of this operator's stations; NULL: every ticket
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE webhook_delivery (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      bigint      NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    event           text        NOT NULL,
    ticket_id       bigint      REFERENCES fault_ticket (id) ON DELETE SET NULL,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_webhook_idx ON webhook_delivery (webhook_id, id DESC);

CREATE TABLE webhook_attempt (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint      NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code  integer,
    error        text,
    duration_ms  integer     NOT NULL
);
CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id, id);

CREATE TABLE idempotency_record (
    scope        text        NOT NULL,   -- who asked: apikey:ID, device:ID or addr:ADDRESS
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    method       text        NOT NULL,
    path         text        NOT NULL,
    request_hash bytea       NOT NULL,   -- SHA-256 of method, path and body: the same key with another request is refused
    status       integer,                -- NULL while the first request is still running
    content_type text,
    location     text,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_record_created_idx ON idempotency_record (created_at);
