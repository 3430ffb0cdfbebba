use schemac_generated::saas::users;
use schemac_runtime::ReadOnlyPool;

async fn handler(pool: ReadOnlyPool, id: &schemac_generated::saas::ids::ClerkUserId) {
    // Reads are fine on the read-only pool...
    let _ = users::table.get(&pool, id).await;
    // ...writes are not.
    let _ = users::table.delete(&pool, id).await;
}

fn main() {
    let _ = handler;
}
