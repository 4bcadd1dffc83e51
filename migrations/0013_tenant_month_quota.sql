-- An optional monthly event quota per tenant (npm run tenant -- set <tenant> --quota-month N; NULL: none), and
-- the events each tenant had exported per UTC month: the consumer adds each batch's exported events with one
-- upsert per tenant (src/consumer/count-month-events.ts), the edge reads the current month's beside the
-- tenant's settings (src/edge/auth/tenant-settings-cache.ts). One small row per tenant and month.
ALTER TABLE tenants ADD COLUMN quota_month INTEGER CHECK (quota_month IS NULL OR quota_month > 0);

CREATE TABLE tenant_month_events (
  tenant TEXT NOT NULL,
  month TEXT NOT NULL,        -- yyyy-mm, UTC
  events INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, -- epoch ms
  PRIMARY KEY (tenant, month)
) STRICT, WITHOUT ROWID;
