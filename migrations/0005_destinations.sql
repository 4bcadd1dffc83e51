-- Push delivery (docs/delivery.md): each tenant's destinations, and the delivery state of every committed export
-- file at each of them.

-- settings: JSON of src/core/delivery/destination.ts (no secret). sealed_secret: the access key secret, SAS token or account
-- key, AES-256-GCM under the Worker secret DESTINATION_KEY, bound to the row's id (src/core/delivery/secret-box.ts).
CREATE TABLE destinations (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('s3', 'azure')),
  settings TEXT NOT NULL,
  sealed_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,             -- epoch ms; files committed from then on are delivered to it
  UNIQUE (tenant, name)
) STRICT;

-- One row per (committed file, destination). 'pending' = a delivery message is queued (or the cron will queue
-- one); 'delivered' = the object is at the destination; 'failed' = the queue gave up (dead letter), until a
-- redeliver. updated_at moves at every attempt, so a pending row that stays still has lost its message.
CREATE TABLE deliveries (
  file_key TEXT NOT NULL,
  destination_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_at INTEGER,                    -- epoch ms
  updated_at INTEGER NOT NULL,             -- epoch ms
  PRIMARY KEY (file_key, destination_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX deliveries_by_state_age ON deliveries (state, updated_at);
CREATE INDEX deliveries_by_destination ON deliveries (destination_id);
-- The cron's search for recently committed files that have no delivery row yet.
CREATE INDEX export_files_by_state_committed ON export_files (state, committed_at);
