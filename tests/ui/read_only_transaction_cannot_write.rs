use schemac_runtime::{ReadOnly, Transaction, Write};

fn needs_write(_: &impl Write) {}

// A transaction from the read-only pool, or begin_read_only on the
// read-write pool, is typed Transaction<ReadOnly>.
fn handler(tx: &Transaction<ReadOnly>) {
    needs_write(tx);
}

fn main() {
    let _ = handler;
}
