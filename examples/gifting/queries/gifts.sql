-- Ivyi's own queries beyond what the tables imply.

-- name: search_gifts
-- Gifts whose name matches a web-style search (`"teddy bear" -plush`), best
-- match first, with the rank the full-text index gives.
-- not_null: rank
SELECT g.id, g.name, g.price,
       ts_rank(to_tsvector('english', g.name), websearch_to_tsquery('english', :terms)) AS rank
FROM gifts g
WHERE to_tsvector('english', g.name) @@ websearch_to_tsquery('english', :terms)
ORDER BY rank DESC, g.id;

-- name: users_with_preferences
-- Users whose preferences contain the given JSON (`{"theme": "dark"}`), by
-- the GIN index on preferences.
SELECT id, email FROM users WHERE preferences @> :wanted ORDER BY email;

-- name: gift_stats_by_category
-- The number of gifts and their average price in each category (categories
-- without gifts too, with no average).
-- not_null: gifts
SELECT c.name AS category, count(g.id) AS gifts, avg(g.price) AS average_price
FROM gift_categories c LEFT JOIN gifts g ON g.category_id = c.id
GROUP BY c.id, c.name
ORDER BY c.name;
