-- Dead letters that R2 could not store when they died (an R2 outage): held here, byte for byte with the R2
-- object they become, until the hourly cron writes them to R2 (src/consumer/held-dead-letters.ts). A row is
-- deleted only after its object is stored, so a dead letter is always in one place or both, never in neither.
CREATE TABLE held_dead_letters (
  key TEXT PRIMARY KEY,
  body BLOB NOT NULL,
  content_type TEXT NOT NULL,
  metadata TEXT NOT NULL,
  held_at TEXT NOT NULL
) WITHOUT ROWID;
