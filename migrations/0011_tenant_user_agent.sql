-- Per-tenant switch for the device's user agent in the export (useragent, useragentparsed), as Omny's RawUserAgent,
-- Device and OS: off by default (npm run tenant -- set <tenant> --user-agent on).
ALTER TABLE tenants ADD COLUMN user_agent INTEGER NOT NULL DEFAULT 0 CHECK (user_agent IN (0, 1));
