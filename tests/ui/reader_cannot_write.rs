use schemac_runtime::{ReadOnlyPool, Reader, Write, Writer};

// What a generated write method looks like.
async fn insert_user(db: &impl Write, name: &str) -> Result<u64, schemac_runtime::Error> {
    db.execute("INSERT INTO users (name) VALUES ($1)", &[&name]).await
}

async fn handler(pool: ReadOnlyPool) {
    // A Reader reads through whatever it holds, and never writes.
    let reader = Reader::from(&pool);
    let _ = insert_user(&reader, "ada").await;
    // A Writer cannot be made from the read-only pool.
    let _ = Writer::from(&pool);
}

fn main() {
    let _ = handler;
}
