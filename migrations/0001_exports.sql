-- The export ledger of the exactly-once protocol (src/consumer/export-tenant-group.ts), and the manifest of
-- export files for listing and summaries.

-- One row per export file attempt. 'pending' = ids claimed, object maybe written, not yet the file of record;
-- 'committed' = the file of record for its events; 'abandoned' = can never commit (its object is deleted or
-- will be by the cron sweeper). Only committed rows are the manifest.
CREATE TABLE export_files (
  key TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  day TEXT NOT NULL,                       -- yyyy-mm-dd of the key's folder (UTC write time)
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'committed', 'abandoned')),
  events INTEGER,                          -- set at commit
  bytes INTEGER,                           -- gzipped size, set at commit
  first_receivedat TEXT,
  last_receivedat TEXT,
  created_at INTEGER NOT NULL,             -- epoch ms
  committed_at INTEGER                     -- epoch ms
) STRICT;

CREATE INDEX export_files_by_tenant_day ON export_files (tenant, day, key);
-- The sweeper's query: stale pending and abandoned files.
CREATE INDEX export_files_by_state_age ON export_files (state, created_at);

-- Which file holds (or is about to hold) each event id. A claim on a committed file is the dedupe record; a
-- claim on any other file may be taken over by a later attempt.
CREATE TABLE event_claims (
  eventid TEXT PRIMARY KEY,
  file_key TEXT NOT NULL,
  claimed_at INTEGER NOT NULL              -- epoch ms; claims older than DEDUPE_WINDOW_DAYS are purged
) STRICT;

CREATE INDEX event_claims_by_file ON event_claims (file_key);
CREATE INDEX event_claims_by_age ON event_claims (claimed_at);
