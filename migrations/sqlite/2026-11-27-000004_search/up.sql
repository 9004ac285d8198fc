-- Full-text search. The indexed text is written by bantin itself, folded
-- (no tone marks, đ→d, lowercase) by the one folding function in src/text,
-- in the same transaction as the row it describes; the tokenizer only splits
-- it. Contentless: the text lives in the source tables, not twice. Prefix
-- indexes make the last, still-typed word cheap to expand.
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
