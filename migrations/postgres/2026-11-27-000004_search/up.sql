-- Full-text search on PostgreSQL, the same design as the SQLite FTS5 tables:
-- bantin writes the folded text (no tone marks, đ→d, lowercase) itself, in
-- the same transaction as the row it describes, as a tsvector built from
-- the same word split the queries use (so no text-search configuration or
-- parser stands between the two engines). GIN indexes answer the term,
-- prefix (`:*`) and phrase (`<->`) queries. `everything` holds every field,
-- with a gap between fields so a phrase never spans two of them.
CREATE TABLE search_articles (
    id         BIGINT PRIMARY KEY,
    title      TSVECTOR NOT NULL,
    summary    TSVECTOR NOT NULL,
    everything TSVECTOR NOT NULL
);
CREATE INDEX search_articles_title ON search_articles USING GIN (title);
CREATE INDEX search_articles_summary ON search_articles USING GIN (summary);
CREATE INDEX search_articles_everything ON search_articles USING GIN (everything);

CREATE TABLE search_events (
    id         BIGINT PRIMARY KEY,
    title      TSVECTOR NOT NULL,
    everything TSVECTOR NOT NULL
);
CREATE INDEX search_events_title ON search_events USING GIN (title);
CREATE INDEX search_events_everything ON search_events USING GIN (everything);

CREATE TABLE search_officials (
    id         BIGINT PRIMARY KEY,
    title      TSVECTOR NOT NULL,
    everything TSVECTOR NOT NULL
);
CREATE INDEX search_officials_title ON search_officials USING GIN (title);
CREATE INDEX search_officials_everything ON search_officials USING GIN (everything);
