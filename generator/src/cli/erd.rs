//! `schemac erd`: the diagram written to stdout; SVG through Graphviz's
//! `dot`, which must be installed for it.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};
use schemac::commands::erd::{ErdOptions, dot, mermaid, schema_of};

use super::args::ErdFormat;

pub fn run_erd(
    root: &Path,
    db: Option<&str>,
    options: ErdOptions,
    format: ErdFormat,
) -> Result<ExitCode> {
    let schema = schema_of(root, db)?;
    match format {
        ErdFormat::Mermaid => out!("{}", mermaid(&schema, &options)),
        ErdFormat::Dot => out!("{}", dot(&schema, &options)),
        ErdFormat::Svg => {
            let svg = draw(&dot(&schema, &options))?;
            out!("{svg}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// SVG from DOT, by `dot -Tsvg`.
fn draw(source: &str) -> Result<String> {
    let mut child = match Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "`--format svg` draws with Graphviz's `dot`, which is not on PATH: install Graphviz \
             (`apt-get install graphviz`, `brew install graphviz`), or write `--format mermaid` \
             (GitHub renders it) or `--format dot`"
        ),
        Err(e) => return Err(e).context("cannot run Graphviz's `dot`"),
    };
    child
        .stdin
        .take()
        .context("dot's input")?
        .write_all(source.as_bytes())
        .context("cannot write to Graphviz's `dot`")?;
    let out = child.wait_with_output().context("Graphviz's `dot`")?;
    if !out.status.success() {
        bail!(
            "Graphviz's `dot` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    String::from_utf8(out.stdout).context("`dot` wrote something other than UTF-8")
}
