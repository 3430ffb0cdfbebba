use schemac_runtime::{ReadOnlyPool, Write};

// What a generated write method looks like.
async fn insert_user(db: &impl Write, name: &str) -> Result<u64, schemac_runtime::Error> {
    db.execute("INSERT INTO users (name) VALUES ($1)", &[&name]).await
}

async fn handler(pool: ReadOnlyPool) {
    let _ = insert_user(&pool, "ada").await;
}

fn main() {
    let _ = handler;
}
