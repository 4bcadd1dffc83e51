-- What customers receive besides the JSON Lines files (docs/exports.md): Parquet days and daily/monthly
-- aggregates, both written by the hourly cron once a day is closed (src/compaction/).

-- Per tenant: compact closed days to Parquet (`npm run tenant -- set <t> --parquet on`); off by default.
ALTER TABLE tenants ADD COLUMN parquet INTEGER NOT NULL DEFAULT 0 CHECK (parquet IN (0, 1));

-- The manifest lists every file a customer receives: 'jsonl' (the export files, as before), 'parquet' (a closed
-- day's rows, {tenant}/parquet/...) and 'aggregates' ({tenant}/aggregates/...). Parquet and aggregates rows are
-- written 'committed' once their object is verified, so the pull API and push delivery treat them like any file.
ALTER TABLE export_files ADD COLUMN format TEXT NOT NULL DEFAULT 'jsonl'
  CHECK (format IN ('jsonl', 'parquet', 'aggregates'));

-- What the cron has finished for each closed day of a tenant: 'parquet' (every Parquet file of the day written
-- and verified), 'aggregates' (the day's aggregates file), 'monthly_aggregates' (the month's, on its last day).
-- A day with a row here is not looked at again; a failed attempt leaves no row and is retried by the next run.
CREATE TABLE closed_day_outputs (
  tenant TEXT NOT NULL,
  day TEXT NOT NULL,                       -- yyyy-mm-dd
  output TEXT NOT NULL CHECK (output IN ('parquet', 'aggregates', 'monthly_aggregates')),
  files INTEGER NOT NULL,                  -- files written for it (0 for a day without events)
  events INTEGER NOT NULL,
  done_at INTEGER NOT NULL,                -- epoch ms
  PRIMARY KEY (tenant, day, output)
) STRICT, WITHOUT ROWID;
