CREATE INDEX CONCURRENTLY IF NOT EXISTS comments_ticket_created ON comments (ticket_id, created_at);
DROP INDEX CONCURRENTLY IF EXISTS comments_ticket_id;
