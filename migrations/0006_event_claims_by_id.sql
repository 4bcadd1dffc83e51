-- event_claims keyed by eventid alone: WITHOUT ROWID, no secondary index. D1 bills a written row for the table
-- and for every index an insert or delete touches, so a claim cost 4 rows written (rowid table, its eventid key,
-- event_claims_by_file, event_claims_by_age) and now costs 1; purging it likewise 1. Nothing reads claims by
-- file or by age through an index any more (src/consumer/export-ledger.ts, src/consumer/sweep-ledger.ts):
--  - the protocol's statements know their files' event ids and look claims up by eventid;
--  - the sweeper leaves the claims of files that never committed in place (a claim whose file is abandoned or
--    gone is taken over by the next attempt like any uncommitted one) for the age purge to remove;
--  - the age purge scans one slice of the eventid range per hourly run (rows read, which cost a thousandth of
--    rows written) instead of walking an index on claimed_at.
-- The copy writes each existing claim once (one row each, without indexes), a one-off of one window's claims.

CREATE TABLE event_claims_by_id (
  eventid TEXT NOT NULL PRIMARY KEY,
  file_key TEXT NOT NULL,
  claimed_at INTEGER NOT NULL              -- epoch ms; purged within a day after DEDUPE_WINDOW_DAYS have passed
) STRICT, WITHOUT ROWID;

INSERT INTO event_claims_by_id (eventid, file_key, claimed_at) SELECT eventid, file_key, claimed_at FROM event_claims;

-- Dropping the table drops event_claims_by_file and event_claims_by_age with it.
DROP TABLE event_claims;
ALTER TABLE event_claims_by_id RENAME TO event_claims;
