DROP TABLE IF EXISTS article_events;
DROP TABLE IF EXISTS article_officials;
DROP TABLE IF EXISTS event_officials;
DROP TABLE IF EXISTS events;
DROP TABLE IF EXISTS positions;
DROP TABLE IF EXISTS officials;
DROP TABLE IF EXISTS organizations;
