-- Avatars moved to the media service; nothing reads this since 2022.08.
ALTER TABLE agents DROP COLUMN avatar_url;
