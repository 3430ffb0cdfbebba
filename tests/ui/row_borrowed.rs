use schemac_runtime::Row;

#[derive(Row)]
struct User<'a> {
    name: &'a str,
}

fn main() {}
