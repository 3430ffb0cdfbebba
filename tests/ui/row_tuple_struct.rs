use schemac_runtime::Row;

#[derive(Row)]
struct Pair(i32, String);

fn main() {}
