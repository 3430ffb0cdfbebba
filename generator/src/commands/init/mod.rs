//! `schemac init`: a starting project, so a newcomer's first `generate`
//! has something to compile and review tools know what is generated.

use std::path::{Path, PathBuf};

use crate::error::{Error, InitError};

const CONFIG: &str = include_str!("schemac.toml");
const EXAMPLE: &str = include_str!("example.yaml");

/// Marks the files `generate` writes whole, so review tools (GitHub's
/// linguist) fold them in a pull request and reviewers read the SQL.
const GITATTRIBUTES: &str = "migrations/meta/*_snapshot.json linguist-generated=true\n\
                             migrations/meta/_journal.json linguist-generated=true\n";

/// Writes `schemac.toml`, `schema/example.yaml` and the `.gitattributes`
/// lines (added to a file that exists); returns what it wrote. Refuses,
/// writing nothing, where a project is already set up.
pub fn init(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let config = root.join(schemac_schema::config::CONFIG_FILE);
    let schema = root.join("schema");
    for path in [&config, &schema] {
        if path.exists() {
            return Err(InitError::Exists { path: path.clone() }.into());
        }
    }
    let example = schema.join("example.yaml");
    std::fs::create_dir_all(&schema).map_err(Error::io(&schema))?;
    std::fs::write(&config, CONFIG).map_err(Error::io(&config))?;
    std::fs::write(&example, EXAMPLE).map_err(Error::io(&example))?;
    let mut written = vec![config, example];
    let attributes = root.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&attributes)(e)),
    };
    let missing: String = GITATTRIBUTES
        .lines()
        .filter(|line| !existing.lines().any(|l| l.trim() == *line))
        .map(|line| format!("{line}\n"))
        .collect();
    if !missing.is_empty() {
        let mut text = existing;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&missing);
        std::fs::write(&attributes, text).map_err(Error::io(&attributes))?;
        written.push(attributes);
    }
    Ok(written
        .into_iter()
        .map(|p| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p))
        .collect())
}
