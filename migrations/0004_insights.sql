-- Insights rollups (docs/insights.md), maintained by the export consumer inside the D1 transaction that commits
-- each export file (src/consumer/insight-rollups.ts), so every event counts exactly once.
-- grain 'minute' buckets are 'yyyy-mm-ddTHH:MM' (UTC) and kept 24 hours; 'day' buckets are 'yyyy-mm-dd' (UTC)
-- and kept 400 days. Text buckets sort in time order, so a range is a BETWEEN and a month is substr(bucket, 1, 7).

-- Event counts per bucket by dimension (type, play_action, play_source, country, platform, device_model).
CREATE TABLE insight_counts (
  tenant TEXT NOT NULL,
  grain TEXT NOT NULL CHECK (grain IN ('minute', 'day')),
  bucket TEXT NOT NULL,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (tenant, grain, bucket, dimension, value)
) STRICT, WITHOUT ROWID;

-- Distinct users and devices per bucket as HyperLogLog sketches (src/core/insights/hyperloglog.ts): one character per
-- register, so a merge is the per-character max of two strings, done in SQL.
CREATE TABLE insight_sketches (
  tenant TEXT NOT NULL,
  grain TEXT NOT NULL CHECK (grain IN ('minute', 'day')),
  bucket TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('users', 'devices')),
  registers TEXT NOT NULL,
  PRIMARY KEY (tenant, grain, bucket, kind)
) STRICT, WITHOUT ROWID;

-- The cron's pruning reads by grain and age across tenants.
CREATE INDEX insight_counts_by_age ON insight_counts (grain, bucket);
CREATE INDEX insight_sketches_by_age ON insight_sketches (grain, bucket);
