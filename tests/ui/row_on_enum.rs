use schemac_runtime::Row;

#[derive(Row)]
enum Status {
    Active,
}

fn main() {}
