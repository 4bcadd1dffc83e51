-- The monthly quota's count is now the sum of the month's tenant_day_usage rows (events_exported), read by the
-- edge with the tenant's settings (src/edge/auth/tenant-settings-cache.ts), so the consumer writes one D1 row per
-- tenant per batch instead of two. The month's count kept before this migration is dropped with its table: the
-- day rows, written by the same consumer step since migration 0015, hold the same events.
DROP TABLE tenant_month_events;
