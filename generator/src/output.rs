//! Outputs are assembled in memory and written in one step at the end, so a
//! failed run writes nothing; a file whose bytes did not change is not
//! rewritten, so its timestamp (and cargo's view of it) stays put.

use std::path::{Path, PathBuf};

/// Files to write, all at once at the end of a run that succeeded.
#[derive(Debug, Default)]
pub struct FileSet {
    files: Vec<(PathBuf, String)>,
}

impl FileSet {
    /// No files.
    pub fn new() -> Self {
        Self::default()
    }

    /// One more file.
    pub fn add(&mut self, path: impl Into<PathBuf>, contents: String) {
        self.files.push((path.into(), contents));
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Each file and its contents.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files.iter().map(|(p, c)| (p.as_path(), c.as_str()))
    }

    /// Writes every file whose contents differ from what is on disk; returns those written.
    pub fn write(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for (path, contents) in &self.files {
            if write_if_changed(path, contents.as_bytes())? {
                written.push(path.clone());
            }
        }
        Ok(written)
    }
}

/// Writes `bytes` to `path` unless it already holds exactly them.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Write beside the target and rename, so a crash never leaves half a file.
    let tmp = path.with_extension("schemac-tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(true)
}
