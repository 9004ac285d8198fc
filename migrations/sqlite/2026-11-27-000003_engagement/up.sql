-- What anonymous visitors write: verification challenges, comments awaiting
-- moderation, ratings; and the counters that summarise them.

CREATE TABLE challenges (
    id          TEXT PRIMARY KEY,
    -- SHA-256 of a server secret, the id and the lowercased answer.
    answer_hash TEXT NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX challenges_expires_at ON challenges (expires_at);

CREATE TABLE comments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    parent_id    INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    author_name  TEXT    NOT NULL,
    author_email TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    -- Hash of the folded body, to refuse the same text twice on an article.
    body_hash    TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
    -- Hash of the client address, never the address itself.
    client_hash  TEXT    NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX comments_article ON comments (article_id, status, id);
CREATE INDEX comments_status ON comments (status, id);
CREATE INDEX comments_body_hash ON comments (article_id, body_hash);

CREATE TABLE ratings (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    visitor_id TEXT    NOT NULL,
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, visitor_id)
);

-- Per-article summaries kept exact in the same transaction as each change,
-- so reading them is one row (not a count over comments or ratings).
CREATE TABLE article_stats (
    article_id    INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    comment_count INTEGER NOT NULL DEFAULT 0,
    rating_count  INTEGER NOT NULL DEFAULT 0,
    rating_sum    INTEGER NOT NULL DEFAULT 0,
    rating_1      INTEGER NOT NULL DEFAULT 0,
    rating_2      INTEGER NOT NULL DEFAULT 0,
    rating_3      INTEGER NOT NULL DEFAULT 0,
    rating_4      INTEGER NOT NULL DEFAULT 0,
    rating_5      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE site_counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
