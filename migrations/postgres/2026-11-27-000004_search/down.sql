DROP TABLE search_officials;
DROP TABLE search_events;
DROP TABLE search_articles;
