-- The town's leadership directory and calendar: organizations, officials
-- with their positions over time, events, and the links between them and
-- articles.

CREATE TABLE organizations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slug           TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    name_en        TEXT,
    kind           TEXT    NOT NULL CHECK (kind IN ('party_committee', 'peoples_council', 'peoples_committee',
                                                   'fatherland_front', 'mass_organization', 'department')),
    parent_id      INTEGER REFERENCES organizations (id) ON DELETE RESTRICT,
    address        TEXT,
    phone          TEXT,
    email          TEXT,
    description    TEXT,
    description_en TEXT,
    position       INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE officials (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT    NOT NULL UNIQUE,
    full_name    TEXT    NOT NULL,
    -- Folded (no tone marks, lowercase) for searching by name.
    name_folded  TEXT    NOT NULL,
    photo_url    TEXT,
    bio          TEXT,
    bio_en       TEXT,
    office_phone TEXT,
    email        TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE positions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    official_id     INTEGER NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    title           TEXT    NOT NULL,
    title_en        TEXT,
    started_on      DATE    NOT NULL,
    ended_on        DATE,
    -- Protocol order: lower ranks are listed first.
    rank            INTEGER NOT NULL DEFAULT 100
);
CREATE INDEX positions_official ON positions (official_id);
CREATE INDEX positions_organization ON positions (organization_id);

CREATE TABLE events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    slug            TEXT    NOT NULL UNIQUE,
    title           TEXT    NOT NULL,
    title_en        TEXT,
    description     TEXT,
    starts_at       TIMESTAMP NOT NULL,
    ends_at         TIMESTAMP,
    -- Where the event stops occupying the calendar (exclusive): ends_at, or
    -- the end of the (Vietnam-time) day for all-day events, or starts_at.
    -- Kept so that range queries are one indexed comparison each way.
    occupies_until  TIMESTAMP NOT NULL,
    all_day         BOOLEAN NOT NULL DEFAULT 0,
    location        TEXT,
    organization_id INTEGER REFERENCES organizations (id) ON DELETE RESTRICT,
    status          TEXT    NOT NULL CHECK (status IN ('scheduled', 'postponed', 'cancelled', 'done')),
    category        TEXT    NOT NULL CHECK (category IN ('meeting', 'ceremony', 'festival', 'work_schedule', 'conference', 'other')),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX events_starts_at ON events (starts_at, id);
CREATE INDEX events_organization ON events (organization_id);

CREATE TABLE event_officials (
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    official_id INTEGER NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
    role        TEXT    NOT NULL CHECK (role IN ('chair', 'attendee')),
    PRIMARY KEY (event_id, official_id)
);
CREATE INDEX event_officials_official ON event_officials (official_id, event_id);

CREATE TABLE article_officials (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    official_id INTEGER NOT NULL REFERENCES officials (id) ON DELETE RESTRICT,
    PRIMARY KEY (article_id, official_id)
);
CREATE INDEX article_officials_official ON article_officials (official_id, article_id);

CREATE TABLE article_events (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, event_id)
);
CREATE INDEX article_events_event ON article_events (event_id, article_id);
