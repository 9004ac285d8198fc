-- Core content: users and their refresh tokens, categories, tags, articles.
-- Timestamps are UTC, whole seconds, stored as TEXT 'YYYY-MM-DD HH:MM:SS' (sorts as time).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'moderator')),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE refresh_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL UNIQUE,
    expires_at  TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE articles (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    slug             TEXT    NOT NULL UNIQUE,
    title            TEXT    NOT NULL,
    summary          TEXT,
    cover_image      TEXT,                       -- JSON {url, caption, alt}
    images           TEXT    NOT NULL DEFAULT '[]', -- JSON [{url, caption, alt}]
    byline           TEXT,
    category_id      INTEGER REFERENCES categories (id) ON DELETE RESTRICT,
    author_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status           TEXT    NOT NULL CHECK (status IN ('draft', 'scheduled', 'published', 'archived')),
    published_at     TIMESTAMP,
    comments_enabled BOOLEAN NOT NULL DEFAULT 1,
    view_count       INTEGER NOT NULL DEFAULT 0,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    -- Last on purpose: a 3-5 KB body spills into overflow pages, and SQLite
    -- must walk them to reach any column stored after it.
    body             TEXT    NOT NULL DEFAULT ''
);
-- Public lists seek this index by published_at and filter the status per row;
-- an index led by status would make SQLite sort every visible row instead.
CREATE INDEX articles_published_at ON articles (published_at, id);
CREATE INDEX articles_updated_at ON articles (updated_at, id);
CREATE INDEX articles_created_at ON articles (created_at, id);
CREATE INDEX articles_category ON articles (category_id, published_at);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);
