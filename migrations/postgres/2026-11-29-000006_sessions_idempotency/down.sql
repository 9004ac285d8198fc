DROP TABLE idempotency_keys;
DROP INDEX refresh_tokens_session;
ALTER TABLE refresh_tokens DROP COLUMN session_id;
ALTER TABLE users DROP COLUMN session_version;
