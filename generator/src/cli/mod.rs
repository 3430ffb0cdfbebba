//! The `schemac` binary: its arguments (`args`), what each library command
//! did said on the terminal (`generate`, `lint`), and the commands that are
//! more than a call into the library: the runners, which need the database
//! (`migrate`, `seed`, `check_data`, `queries` for typing named queries),
//! and the team paths that ask it (`team`).

#[macro_use]
pub mod out;
pub mod args;
mod baseline;
pub mod check_data;
pub mod drift;
pub mod erd;
mod functions;
pub mod generate;
pub mod import;
pub mod lint;
pub mod migrate;
pub mod pull;
pub mod queries;
mod scratch;
pub mod seed;
pub mod team;
mod views;

/// Exit codes: 0 success, 1 the schema or migrations are wrong, 2 usage error.
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// `3 tables`, `1 view`, for each kind there is any of: (count, one, many).
pub fn counted(kinds: &[(usize, &str, &str)]) -> Vec<String> {
    kinds
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|&(n, one, many)| match n {
            1 => format!("1 {one}"),
            n => format!("{n} {many}"),
        })
        .collect()
}

/// Each line of `text`, indented by two spaces.
pub fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// A directory of this process's own under the system's temporary one,
/// removed with everything in it when dropped.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(what: &str) -> std::io::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("schemac-{what}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An error with its causes, each said once. Many errors name their cause
/// in their own message and also give it as their source (a file that cannot
/// be read, with the reason); printing the chain would say it twice.
pub fn render(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    #[derive(Debug, thiserror::Error)]
    #[error("journal.json: cannot read: {source}")]
    struct Read {
        source: std::io::Error,
    }

    #[test]
    fn a_cause_the_message_names_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let e = anyhow::Error::from(Read { source: io }).context("schemac failed");
        assert_eq!(
            super::render(&e),
            "schemac failed: journal.json: cannot read: No such file"
        );
    }
}
