use schemac_runtime::PgEnum;

#[derive(PgEnum)]
#[pg(name = "status")]
enum Status {
    Active,
    Suspended(String),
    #[pg(rename = "active")]
    Enabled,
}

#[derive(PgEnum)]
enum Numbered {
    First = 1,
}

#[derive(PgEnum)]
enum Nothing {}

#[derive(PgEnum)]
struct NotAnEnum {
    label: String,
}

fn main() {}
