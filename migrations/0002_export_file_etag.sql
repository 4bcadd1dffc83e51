-- What the pull API needs of each committed export file beyond migration 0001: R2's etag (the ETag a customer
-- compares to skip a file it has) and the file's event counts by type (the day manifest adds them up).
-- Both are set at commit (src/consumer/export-ledger.ts); rows committed before this migration have NULLs.
ALTER TABLE export_files ADD COLUMN etag TEXT;
ALTER TABLE export_files ADD COLUMN type_counts TEXT; -- JSON object {"playevent": 12, ...}
