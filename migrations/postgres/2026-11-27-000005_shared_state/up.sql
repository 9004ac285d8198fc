-- What several bantin instances on one database must share, and SQLite's
-- single process keeps in memory: per-client rate-limit windows, visitors
-- seen lately (the "online" count), and server secrets (token signing and
-- challenge answers must verify on every instance).
--
-- The first two are UNLOGGED: written on many requests, worthless after a
-- crash (PostgreSQL empties them then), and not worth a WAL flush each.

CREATE UNLOGGED TABLE rate_limits (
    key          TEXT        PRIMARY KEY,  -- limiter name and client key
    window_start TIMESTAMPTZ NOT NULL,
    hits         INTEGER     NOT NULL
);
CREATE INDEX rate_limits_window_start ON rate_limits (window_start);

CREATE UNLOGGED TABLE online_visitors (
    visitor   TEXT        PRIMARY KEY,     -- hashed visitor id, never an address
    last_seen TIMESTAMPTZ NOT NULL
);
CREATE INDEX online_visitors_last_seen ON online_visitors (last_seen);

CREATE TABLE secrets (
    name       TEXT        PRIMARY KEY,
    value      TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
