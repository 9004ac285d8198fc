DROP TABLE site_counters;
DROP TABLE article_stats;
DROP TABLE ratings;
DROP TABLE comments;
DROP TABLE challenges;
