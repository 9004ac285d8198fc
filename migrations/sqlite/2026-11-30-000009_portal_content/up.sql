-- The rest of the portal: the media library, official documents, standing
-- pages, blocks of links and playlists of songs.

-- Uploaded files. The bytes live in the media store (a directory or an S3
-- bucket) under `<id>/<variant>.<ext>`; a row describes them. Files never
-- change once stored (a new upload is a new item), so addresses are
-- immutable and articles may copy a variant list when they refer to one.
CREATE TABLE media (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT      NOT NULL CHECK (kind IN ('image', 'audio', 'document')),
    mime_type     TEXT      NOT NULL,
    extension     TEXT      NOT NULL,
    sha256        TEXT      NOT NULL UNIQUE,   -- of the bytes uploaded: an identical upload finds this row
    size          BIGINT    NOT NULL,          -- bytes uploaded
    original_name TEXT,
    width         INTEGER,
    height        INTEGER,
    duration_ms   BIGINT,
    placeholder   TEXT,                        -- blurhash of an image
    color         TEXT,                        -- its average colour, #rrggbb
    variants      TEXT      NOT NULL,          -- JSON: [{name, format, width, height, size}]
    alt           TEXT,
    caption       TEXT,
    credit        TEXT,
    uploaded_by   BIGINT    REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX media_kind ON media (kind, id);

-- Which items use which media: kept by every store that refers to media,
-- read when a media item is deleted (409 naming the users).
CREATE TABLE media_uses (
    media_id   BIGINT NOT NULL REFERENCES media (id) ON DELETE RESTRICT,
    owner_kind TEXT   NOT NULL,
    owner_id   BIGINT NOT NULL,
    PRIMARY KEY (media_id, owner_kind, owner_id)
);
CREATE INDEX media_uses_owner ON media_uses (owner_kind, owner_id);

-- Official documents (văn bản): numbers restart every year, so the slug is
-- the folded number and the year.
CREATE TABLE documents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slug           TEXT      NOT NULL UNIQUE,
    number         TEXT      NOT NULL,   -- as written: 125/QĐ-UBND
    number_key     TEXT      NOT NULL,   -- folded: 125-qd-ubnd
    doc_type       TEXT      NOT NULL,
    issuer_id      BIGINT    REFERENCES organizations (id) ON DELETE RESTRICT,
    issuer_name    TEXT,
    signer_id      BIGINT    REFERENCES officials (id) ON DELETE RESTRICT,
    signer_name    TEXT,
    issued_on      DATE      NOT NULL,
    effective_from DATE,
    expires_on     DATE,
    summary        TEXT      NOT NULL,   -- the abstract (trích yếu)
    field          TEXT,
    status         TEXT      NOT NULL,
    replaced_by    BIGINT    REFERENCES documents (id) ON DELETE SET NULL,
    attachments    TEXT      NOT NULL DEFAULT '[]',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX documents_issued ON documents (issued_on, id);
CREATE INDEX documents_number ON documents (number_key);

-- Standing pages (giới thiệu chung, lịch sử, bản đồ hành chính): a menu tree.
CREATE TABLE pages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT      NOT NULL UNIQUE,
    title      TEXT      NOT NULL,
    title_en   TEXT,
    body       TEXT      NOT NULL,
    body_en    TEXT,
    parent_id  BIGINT    REFERENCES pages (id) ON DELETE RESTRICT,
    position   INTEGER   NOT NULL DEFAULT 0,
    map        TEXT,                          -- JSON: {latitude, longitude, zoom, boundary}
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX pages_parent ON pages (parent_id);

-- Blocks of links ("Liên kết website"): the links are the group's, in order.
CREATE TABLE link_groups (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT      NOT NULL UNIQUE,
    name       TEXT      NOT NULL,
    name_en    TEXT,
    position   INTEGER   NOT NULL DEFAULT 0,
    links      TEXT      NOT NULL DEFAULT '[]',  -- JSON: [{title, url, logo}]
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Playlists ("Các ca khúc hay về Hồng Lĩnh"): ordered audio tracks.
CREATE TABLE playlists (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT      NOT NULL UNIQUE,
    title       TEXT      NOT NULL,
    description TEXT,
    position    INTEGER   NOT NULL DEFAULT 0,
    tracks      TEXT      NOT NULL DEFAULT '[]',  -- JSON: [{media_id, title, composer, performer, …}]
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Organizations' logos and officials' photos as images (JSON, as articles'):
-- a URL, or a media item with its variants.
ALTER TABLE organizations ADD COLUMN logo TEXT;
ALTER TABLE officials ADD COLUMN photo TEXT;
