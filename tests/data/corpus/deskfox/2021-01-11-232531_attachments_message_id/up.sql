ALTER TABLE attachments RENAME COLUMN comment_id TO message_id;
