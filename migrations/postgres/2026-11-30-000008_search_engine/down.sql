-- The index tables as they were (empty: bantin no longer fills them).
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
