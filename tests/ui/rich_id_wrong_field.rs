use schemac_runtime::RichId;

#[derive(RichId, Debug)]
#[rich_id(prefix = "tenant")]
struct TenantId(u128);

fn main() {}
