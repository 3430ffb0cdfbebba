-- name: active_members
-- The members of an organization whose membership and user are both live
-- (neither soft-deleted), with their role.
SELECT u.id, u.email, m.role
FROM organization_members m
JOIN users u ON u.id = m.user_id
WHERE m.organization_id = :organization_id
  AND m.deleted_at IS NULL
  AND u.deleted_at IS NULL
ORDER BY u.email;
