-- Search moved to a tantivy index in the data directory (src/search/engine.rs),
-- derived from the database and kept current from the change log: the
-- engine-specific index tables go.
DROP TABLE IF EXISTS search_articles;
DROP TABLE IF EXISTS search_events;
DROP TABLE IF EXISTS search_officials;
