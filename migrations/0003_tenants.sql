-- Tenant settings, managed with `npm run tenant` and read by the edge (cached briefly in each isolate).
CREATE TABLE tenants (
  tenant TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  geo INTEGER NOT NULL DEFAULT 1 CHECK (geo IN (0, 1)),              -- Omny sells geo as an add-on
  ip_capture INTEGER NOT NULL DEFAULT 0 CHECK (ip_capture IN (0, 1)), -- off by default: privacy
  extra_sources TEXT NOT NULL DEFAULT '[]',                          -- JSON array of custom play/profile sources
  device_rate_tier TEXT NOT NULL DEFAULT 'standard' CHECK (device_rate_tier IN ('standard', 'high', 'off')),
  tenant_rate_tier TEXT NOT NULL DEFAULT 'standard' CHECK (tenant_rate_tier IN ('standard', 'high', 'off')),
  updated_at INTEGER NOT NULL                                        -- epoch ms
) STRICT;
