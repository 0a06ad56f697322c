-- +goose Up
INSERT INTO categories (id, parent_id, slug, name) VALUES
    (1, NULL, 'pantry', 'Pantry'),
    (2, NULL, 'fresh', 'Fresh'),
    (3, NULL, 'drinks', 'Drinks'),
    (4, 1, 'oils-vinegars', 'Oils & vinegars'),
    (5, 1, 'pasta-rice', 'Pasta & rice'),
    (6, 1, 'spices', 'Spices'),
    (7, 2, 'cheese', 'Cheese'),
    (8, 2, 'charcuterie', 'Charcuterie'),
    (9, 3, 'wine', 'Wine'),
    (10, 3, 'coffee-tea', 'Coffee & tea');
SELECT setval('categories_id_seq', 10);

-- +goose Down
DELETE FROM categories;
