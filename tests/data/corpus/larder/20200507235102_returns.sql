-- +goose Up
CREATE TYPE return_status AS ENUM ('requested', 'approved', 'received', 'refunded', 'rejected');
CREATE TABLE returns (
    id serial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders (id),
    status return_status NOT NULL DEFAULT 'requested',
    reason text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE return_lines (
    return_id integer NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
    order_line_id bigint NOT NULL REFERENCES order_lines (id),
    quantity integer NOT NULL,
    PRIMARY KEY (return_id, order_line_id)
);

-- +goose Down
SELECT 'down not supported';
