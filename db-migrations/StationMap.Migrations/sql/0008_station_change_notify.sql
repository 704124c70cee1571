-- 0008: announce every committed change to station rows, so API instances can keep an in-memory
-- copy (the nearest-station index) exactly in step with this table.
--
-- Channel stationmap_station_change; payload: the changed ids, comma-separated, or '*' when a
-- statement changed more than 500 rows or the table was truncated (listeners then resynchronise
-- the whole table). NOTIFY is delivered only on commit and in commit order, so a listener that
-- reads the rows after the notification sees at least the announced change.
-- Statement-level triggers with transition tables: one notification per statement, also for
-- COPY. pg_notify and LISTEN need no privilege beyond CONNECT, so the API's application role can
-- listen without owning anything.

CREATE FUNCTION stationmap.station_change_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    ids text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('stationmap_station_change', '*');
        RETURN NULL;
    END IF;
    SELECT count(*) INTO n FROM changed;
    IF n = 0 THEN
        RETURN NULL;
    ELSIF n > 500 THEN
        ids := '*';
    ELSE
        SELECT string_agg(DISTINCT id::text, ',') INTO ids FROM changed;
    END IF;
    PERFORM pg_notify('stationmap_station_change', ids);
    RETURN NULL;
END $$;

CREATE TRIGGER station_change_notify_insert AFTER INSERT ON station
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stationmap.station_change_notify();
CREATE TRIGGER station_change_notify_update AFTER UPDATE ON station
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stationmap.station_change_notify();
CREATE TRIGGER station_change_notify_delete AFTER DELETE ON station
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stationmap.station_change_notify();
CREATE TRIGGER station_change_notify_truncate AFTER TRUNCATE ON station
    FOR EACH STATEMENT EXECUTE FUNCTION stationmap.station_change_notify();
