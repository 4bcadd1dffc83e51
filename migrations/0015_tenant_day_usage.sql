-- Each tenant's usage per UTC day, for the operator (GET /admin/tenants/{t}/usage, GET /admin/usage, npm run
-- tenant -- usage): the export consumer adds each batch's counts with one upsert per tenant, beside the month's
-- events (src/consumer/count-tenant-usage.ts), the delivery consumer each batch's delivered files the same way
-- (src/delivery/count-deliveries.ts). Counters are src/core/usage/tenant-usage.ts's. One small row per tenant
-- and day.
CREATE TABLE tenant_day_usage (
  tenant TEXT NOT NULL,
  day TEXT NOT NULL,                      -- yyyy-mm-dd, UTC
  requests INTEGER NOT NULL DEFAULT 0,
  events_accepted INTEGER NOT NULL DEFAULT 0,
  events_rejected INTEGER NOT NULL DEFAULT 0,
  events_suppressed INTEGER NOT NULL DEFAULT 0,
  duplicates_dropped INTEGER NOT NULL DEFAULT 0,
  events_exported INTEGER NOT NULL DEFAULT 0,
  wire_bytes INTEGER NOT NULL DEFAULT 0,
  decoded_bytes INTEGER NOT NULL DEFAULT 0,
  responses_429 INTEGER NOT NULL DEFAULT 0,
  queue_operations INTEGER NOT NULL DEFAULT 0,
  files_exported INTEGER NOT NULL DEFAULT 0,
  bytes_exported INTEGER NOT NULL DEFAULT 0,
  files_delivered INTEGER NOT NULL DEFAULT 0,
  bytes_delivered INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,            -- epoch ms
  PRIMARY KEY (tenant, day)
) STRICT, WITHOUT ROWID;
-- No index on day: it would double the rows each upsert writes (D1 bills rows written); GET /admin/usage reads the
-- table through (a row per tenant and day kept, at D1's price of rows read).
