-- Third values of the tenant's IP and geo settings (src/core/tenants/tenant-settings.ts): `--ip truncated` keeps
-- only the client's IPv4 /24 or IPv6 /48 network, `--geo country` only the country and continent. Each is a column
-- of its own, set with the old one at 0 (truncated: ip_capture 0, ip_truncated 1; country: geo 0,
-- geo_country_only 1), so a Worker of before this change, which reads only the old columns, records no address
-- and no geo for such a tenant rather than all of them.
ALTER TABLE tenants ADD COLUMN ip_truncated INTEGER NOT NULL DEFAULT 0 CHECK (ip_truncated IN (0, 1));
ALTER TABLE tenants ADD COLUMN geo_country_only INTEGER NOT NULL DEFAULT 0 CHECK (geo_country_only IN (0, 1));
