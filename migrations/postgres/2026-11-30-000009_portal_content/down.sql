ALTER TABLE officials DROP COLUMN photo;
ALTER TABLE organizations DROP COLUMN logo;
DROP TABLE playlists;
DROP TABLE link_groups;
DROP TABLE pages;
DROP TABLE documents;
DROP TABLE media_uses;
DROP TABLE media;
