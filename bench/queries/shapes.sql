-- name: all_users
-- The trivial shape: every user.
SELECT id, name, hair_color FROM users;

-- name: users_with_posts
-- The medium shape: users of one hair colour, each with its posts (or none).
SELECT u.id, u.name, u.hair_color, p.id AS post_id, p.user_id, p.title, p.body
FROM users u
LEFT JOIN posts p ON p.user_id = u.id
WHERE u.hair_color = :hair_color;
