-- A replayed answer carries the ETag the first one had.
ALTER TABLE idempotency_keys ADD COLUMN etag TEXT;
