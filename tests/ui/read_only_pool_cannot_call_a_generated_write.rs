use schemac_generated::saas::users;
use schemac_runtime::ReadOnlyPool;

async fn handler(pool: ReadOnlyPool, id: &schemac_generated::saas::ids::ClerkUserId) {
    // Reads are fine on the read-only pool...
    let _ = users::get(&pool, id).await;
    // ...writes are not.
    let _ = users::delete(&pool, id).await;
}

fn main() {
    let _ = handler;
}
