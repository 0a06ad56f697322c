ALTER TABLE attachments RENAME COLUMN message_id TO comment_id;
