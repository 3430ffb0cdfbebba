-- name: newest_users_of_tenant
-- A tenant's users, newest first, a page at a time: pass the last row's
-- (created_at, user_id) as the cursor of the next page.
-- param tenant_id: super::ids::TenantId
-- param before_id: super::ids::UserId
SELECT * FROM users
WHERE tenant_id = :tenant_id AND (created_at, user_id) < (:before_at, :before_id)
ORDER BY created_at DESC, user_id DESC
LIMIT :page_size;
