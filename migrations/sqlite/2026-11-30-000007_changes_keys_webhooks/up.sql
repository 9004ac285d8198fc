-- The change log: one row per change to a public resource, written in the
-- same transaction as the change, numbered in commit order (every write
-- holds the write lock while it numbers). Delta sync, the audit trail,
-- webhooks and caches all read it.
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT      NOT NULL,  -- articles, events, officials, …
    resource_id BIGINT    NOT NULL,
    slug        TEXT,
    op          TEXT      NOT NULL CHECK (op IN ('upsert', 'delete')),  -- as editors see it
    event       TEXT,                -- what the public saw (published, updated, unpublished, deleted, …); NULL: nothing
    at          TIMESTAMP NOT NULL,
    actor_kind  TEXT      NOT NULL CHECK (actor_kind IN ('user', 'key', 'scheduler', 'system', 'public')),
    actor_id    BIGINT
);
CREATE INDEX changes_item ON changes (kind, resource_id, seq);
CREATE INDEX changes_at ON changes (at);

-- Slugs an item had before it was renamed: old links answer 301.
CREATE TABLE slug_history (
    kind        TEXT      NOT NULL,
    slug        TEXT      NOT NULL,
    resource_id BIGINT    NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, slug)
);
CREATE INDEX slug_history_item ON slug_history (kind, resource_id);

-- API keys: content keys (public reads) and integration keys (scopes).
-- Only a hash of the secret is kept.
CREATE TABLE api_keys (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT      NOT NULL,
    kind                TEXT      NOT NULL CHECK (kind IN ('content', 'integration')),
    prefix              TEXT      NOT NULL,         -- the first characters of the secret, to recognise it
    secret_hash         TEXT      NOT NULL UNIQUE,  -- SHA-256 of the secret
    scopes              TEXT      NOT NULL,         -- space-separated
    allowed_origins     TEXT      NOT NULL,         -- space-separated; empty: any
    requests_per_minute INTEGER   NOT NULL,
    expires_at          TIMESTAMP,
    revoked_at          TIMESTAMP,
    created_by          BIGINT    REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMP NOT NULL,
    last_used_at        TIMESTAMP
);

CREATE TABLE api_key_usage (
    key_id   BIGINT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    day      DATE   NOT NULL,
    requests BIGINT NOT NULL,
    PRIMARY KEY (key_id, day)
);

-- Webhooks: where to tell about changes, which events, and how it went.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT      NOT NULL,
    url             TEXT      NOT NULL,
    events          TEXT      NOT NULL,  -- space-separated patterns: article.published, article.*, *
    secret          TEXT      NOT NULL,
    active          BOOLEAN   NOT NULL,
    disabled_reason TEXT,
    failures        INTEGER   NOT NULL,  -- failed attempts in a row
    cursor          BIGINT    NOT NULL,  -- the last change already turned into deliveries
    created_by      BIGINT    REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- The outbox: one row per (webhook, change), sent by exactly one instance.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id      BIGINT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event           TEXT      NOT NULL,
    seq             BIGINT,              -- the change; NULL for a ping
    kind            TEXT      NOT NULL,
    resource_id     BIGINT    NOT NULL,
    data            TEXT      NOT NULL,  -- JSON of the resource (or its id and slug when gone)
    occurred_at     TIMESTAMP NOT NULL,
    state           TEXT      NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts        INTEGER   NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until     TIMESTAMP,           -- claimed by an instance until then
    last_attempt_at TIMESTAMP,
    last_status     INTEGER,
    last_duration_ms INTEGER,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_item ON webhook_deliveries (webhook_id, kind, resource_id, id);
CREATE INDEX webhook_deliveries_created_at ON webhook_deliveries (created_at);
