-- Privacy (docs/privacy.md): erasure requests and their audit record, the suppression list, and the manifest's
-- mark on a file an erasure left empty.

-- One row per erasure request, kept after the data is gone as its audit record. userid is the id itself only
-- while the job needs it (pending, running, failed); it is set to NULL when the job is done, and userid_hash
-- (hex SHA-256 of the id) is what stays. cursor: the last R2 key the job finished, so a crash resumes after it.
CREATE TABLE erasures (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  userid TEXT,
  userid_hash TEXT NOT NULL,
  suppress INTEGER NOT NULL CHECK (suppress IN (0, 1)),
  requested_by TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
  phase TEXT NOT NULL DEFAULT 'exports',   -- 'exports' (the tenant's prefix), then 'deadletters' (_deadletter/)
  cursor TEXT NOT NULL DEFAULT '',
  files_listed INTEGER NOT NULL DEFAULT 0,
  files_examined INTEGER NOT NULL DEFAULT 0,
  files_rewritten INTEGER NOT NULL DEFAULT 0,
  files_deleted INTEGER NOT NULL DEFAULT 0,
  lines_removed INTEGER NOT NULL DEFAULT 0,
  destination_objects INTEGER NOT NULL DEFAULT 0,
  dead_letters_rewritten INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  requested_at INTEGER NOT NULL,           -- epoch ms
  started_at INTEGER,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
) STRICT;

CREATE INDEX erasures_by_tenant ON erasures (tenant, requested_at);

-- Users whose later events the edge drops (cached per tenant like the tenant settings).
CREATE TABLE suppressions (
  tenant TEXT NOT NULL,
  userid_hash TEXT NOT NULL,
  erasure_id TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, userid_hash)
) STRICT, WITHOUT ROWID;

-- Set when an erasure removed every line of a committed file: its object is deleted (here and at destinations),
-- the row stays committed (its event ids' dedupe claims still point at it) but the pull API no longer lists it.
ALTER TABLE export_files ADD COLUMN erased_at INTEGER;

-- The files an erasure has rewritten or emptied and counted: a step run again after a crash finds its row and
-- counts nothing twice (src/consumer/erase-export-file.ts).
CREATE TABLE erasure_files (
  erasure_id TEXT NOT NULL,
  file_key TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('rewritten', 'deleted')),
  lines_removed INTEGER NOT NULL,
  PRIMARY KEY (erasure_id, file_key)
) STRICT, WITHOUT ROWID;
