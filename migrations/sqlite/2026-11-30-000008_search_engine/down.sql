-- The index tables as they were (empty: bantin no longer fills them).
CREATE VIRTUAL TABLE search_articles USING fts5(
    title, summary, body,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4', content = '', contentless_delete = 1
);
CREATE VIRTUAL TABLE search_events USING fts5(
    title, body,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4', content = '', contentless_delete = 1
);
CREATE VIRTUAL TABLE search_officials USING fts5(
    title, body,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4', content = '', contentless_delete = 1
);
