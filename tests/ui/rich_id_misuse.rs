use schemac_runtime::{RichId, Ulid};

#[derive(RichId)]
struct NoPrefix(Ulid);

#[derive(RichId)]
#[rich_id(prefix = "user", body = "any")]
struct AnyBodyInUuid(String);

#[derive(RichId)]
#[rich_id(prefix = "tenant", storage = "bytes", separator = "1")]
struct BadSettings(Ulid);

#[derive(RichId)]
#[rich_id(prefix = "org")]
struct Named {
    id: Ulid,
}

fn main() {}
