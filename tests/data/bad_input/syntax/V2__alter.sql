ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE orders ADD COLUMN status text DEFAULT 'new' NOT NULL,,;
