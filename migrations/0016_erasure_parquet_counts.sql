-- Privacy erasures reach the closed days' Parquet files (docs/privacy.md): what an erasure did to them, counted
-- apart from the JSON Lines export files (the same events, so the rows are not added to lines_removed).
ALTER TABLE erasures ADD COLUMN parquet_files_rewritten INTEGER NOT NULL DEFAULT 0;
ALTER TABLE erasures ADD COLUMN parquet_files_deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE erasures ADD COLUMN parquet_rows_removed INTEGER NOT NULL DEFAULT 0;
