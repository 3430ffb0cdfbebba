-- name: newest_users_of_tenant
-- A tenant's users, newest first, a page at a time: pass the last row's
-- (created_at, user_id) as the cursor of the next page.
SELECT * FROM users
WHERE tenant_id = :tenant_id AND (created_at, user_id) < (:before_at, :before_id)
ORDER BY created_at DESC, user_id DESC
LIMIT :page_size;

-- name: users_with_connector_state
-- A tenant's users with what their identity provider said of them and the
-- state of the tenant's connectors: both sensitive, so both stay redacted
-- in logs.
SELECT u.user_id, u.email, u.idp_user_info, c.state
FROM users u
JOIN identity_connectors c ON c.tenant_id = u.tenant_id
WHERE u.tenant_id = :tenant_id
ORDER BY u.user_id, c.connector_id;

-- name: record_last_seen
-- Records where a user was last seen; what it returns of the row keeps its
-- sensitive column redacted.
UPDATE users SET last_seen_ip = :ip
WHERE user_id = :user_id
RETURNING user_id, idp_user_info;

-- name: tenant_by_slug :one
-- The tenant with this slug, which must exist.
SELECT * FROM tenants WHERE slug = :slug;

-- name: find_tenant_by_slug :opt
-- The tenant with this slug, if there is one.
SELECT * FROM tenants WHERE slug = :slug;

-- name: rename_tenant :exec
-- Gives a tenant another display name.
UPDATE tenants SET display_name = :display_name WHERE slug = :slug;

-- name: clear_user_tags :execrows
-- Removes every tag of a user; returns how many there were.
DELETE FROM user_tags WHERE user_id = :user_id;

-- name: users_by_ids
-- The users with these IDs, in ID order: the parameter is a slice of the
-- column's ID type, read from the comparison.
SELECT * FROM users WHERE user_id = ANY(:user_ids) ORDER BY user_id;

-- name: export_users :stream
-- Every user of a tenant, oldest first, a row at a time as they arrive:
-- for exports too large to hold.
SELECT * FROM users WHERE tenant_id = :tenant_id ORDER BY created_at, user_id;
