use schemac_runtime::Row;

#[derive(Row)]
struct Mixin {
    created_at: String,
}

#[derive(Row)]
struct User {
    #[row(column = "user_name")]
    name: String,
    #[row(rename = "id")]
    user_id: i32,
    id: i32,
    #[row(flatten, rename = "x")]
    mixin: Mixin,
    #[row(rename)]
    email: String,
}

fn main() {}
