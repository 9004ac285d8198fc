DROP TABLE article_events;
DROP TABLE article_officials;
DROP TABLE event_officials;
DROP TABLE events;
DROP TABLE positions;
DROP TABLE officials;
DROP TABLE organizations;
