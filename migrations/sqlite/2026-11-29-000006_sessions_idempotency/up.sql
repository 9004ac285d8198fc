-- Sessions that end when they should. A user's session_version moves with a
-- new password, a new role or "sign out everywhere"; access tokens carry it,
-- so every one issued before is refused at once. The refresh tokens of one
-- sign-in share a session_id (rotation keeps it); access tokens carry it too,
-- so logging out ends that session's access tokens as well.
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refresh_tokens ADD COLUMN session_id TEXT NOT NULL DEFAULT '';
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Idempotency-Key on POST: the first answer to a (caller, key), kept 24 hours,
-- so that a retried create returns it instead of making a duplicate.
CREATE TABLE idempotency_keys (
    key          TEXT      PRIMARY KEY,  -- the caller and the client's key
    request_hash TEXT      NOT NULL,     -- method, path and body of the first request
    status       INTEGER,                -- NULL while the first request runs
    location     TEXT,
    body         TEXT,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
