-- name: newest_users_of_tenant
-- A tenant's users, newest first, a page at a time: pass the last row's
-- (created_at, user_id) as the cursor of the next page.
-- param tenant_id: super::ids::TenantId
-- param before_id: super::ids::UserId
SELECT * FROM users
WHERE tenant_id = :tenant_id AND (created_at, user_id) < (:before_at, :before_id)
ORDER BY created_at DESC, user_id DESC
LIMIT :page_size;

-- name: users_with_connector_state
-- A tenant's users with what their identity provider said of them and the
-- state of the tenant's connectors: both sensitive, so both stay redacted
-- in logs.
-- param tenant_id: super::ids::TenantId
SELECT u.user_id, u.email, u.idp_user_info, c.state
FROM users u
JOIN identity_connectors c ON c.tenant_id = u.tenant_id
WHERE u.tenant_id = :tenant_id
ORDER BY u.user_id, c.connector_id;

-- name: record_last_seen
-- Records where a user was last seen; what it returns of the row keeps its
-- sensitive column redacted.
-- param user_id: super::ids::UserId
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
-- param user_id: super::ids::UserId
DELETE FROM user_tags WHERE user_id = :user_id;
