//! A large schema file read in pieces on several threads.
//!
//! One file of thousands of tables is most of a `generate`, and reading YAML
//! is serial. Its top-level sections (`enums:`, `tables:`, ...) are block
//! mappings whose entries start on lines of their own at one indentation, so
//! the file can be cut before such a line and each piece read as the file
//! with every other line blanked: byte offsets, lines and columns stay those
//! of the file. Cutting is only tried where it cannot change the meaning
//! (no anchors, aliases, tags, directives or tabs; every line at an entry's
//! indentation a plain `name:` key; no name twice), and any piece that says
//! anything at all (an error or a warning) sends the whole file back to the
//! serial reader, so what a user is told never depends on the cut.

use foldhash::{HashSet, HashSetExt};

use crate::ast::FileAst;
use crate::diagnostic::Diagnostics;
use crate::source::FileId;

/// Files smaller than this are read whole: cutting costs more than it saves.
pub const PIECES_FROM: usize = 128 * 1024;

/// Reads `text` in `pieces` pieces on as many threads, or `None` when it
/// cannot be cut safely or a piece has something to say. `check` runs on
/// each piece's definitions on its thread too; the flag returned says that
/// it found nothing in any (else the caller checks the whole file again, so
/// that what it finds comes in the file's order).
pub fn parse_in_pieces(
    file: FileId,
    text: &str,
    pieces: usize,
    check: &(dyn Fn(&FileAst, &mut Diagnostics) + Sync),
) -> Option<(FileAst, bool)> {
    if pieces < 2 || text.len() < PIECES_FROM {
        return None;
    }
    let plan = Plan::of(text)?;
    let cuts = plan.cuts(pieces);
    if cuts.len() < 2 {
        return None;
    }
    let asts = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .iter()
            .map(|range| {
                let piece = plan.piece(text, range.clone());
                scope.spawn(move || {
                    let mut diags = Diagnostics::new();
                    let ast = super::parse_file(file, &piece, &mut diags);
                    if !diags.is_empty() {
                        return None;
                    }
                    check(&ast, &mut diags);
                    Some((ast, diags.is_empty()))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect::<Option<Vec<(FileAst, bool)>>>()
    })?;
    let mut whole = FileAst {
        file: Some(file),
        ..FileAst::default()
    };
    let clean = asts.iter().all(|(_, clean)| *clean);
    for (ast, _) in asts {
        // Every section by name: a new one is a compile error here until
        // its pieces are put back together.
        let FileAst {
            file: _,
            pg_schema,
            extensions,
            ids,
            enums,
            mixins,
            tables,
            views,
            functions,
            aggregates,
            sequences,
            domains,
        } = ast;
        whole.pg_schema = whole.pg_schema.or(pg_schema);
        whole.extensions.extend(extensions);
        whole.ids.extend(ids);
        whole.enums.extend(enums);
        whole.mixins.extend(mixins);
        whole.tables.extend(tables);
        whole.views.extend(views);
        whole.functions.extend(functions);
        whole.aggregates.extend(aggregates);
        whole.sequences.extend(sequences);
        whole.domains.extend(domains);
    }
    Some((whole, clean))
}

/// Where a file can be cut.
struct Plan {
    /// Each line's byte range (without its line break).
    lines: Vec<(usize, usize)>,
    /// The lines an entry of a block section starts on, with the line of
    /// that section's `key:`.
    entries: Vec<Entry>,
}

#[derive(Clone, Copy)]
struct Entry {
    line: usize,
    header: usize,
}

impl Plan {
    fn of(text: &str) -> Option<Plan> {
        // What could tie one part of the file to another, or make a line's
        // indentation mean something else.
        if text.starts_with('\u{feff}')
            || text
                .bytes()
                .any(|b| matches!(b, b'&' | b'*' | b'!' | b'%' | b'\t' | b'\r'))
        {
            return None;
        }
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                lines.push((start, i));
                start = i + 1;
            }
        }
        if start < text.len() {
            lines.push((start, text.len()));
        }
        let mut top_keys = HashSet::new();
        let mut entries = Vec::new();
        // The section being read: its header line, its entries' indentation
        // (once its first entry is seen) and the names met so far.
        let mut section: Option<(usize, Option<usize>, HashSet<&str>)> = None;
        for (n, &(s, e)) in lines.iter().enumerate() {
            let line = &text[s..e];
            let content = line.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let indent = line.len() - content.len();
            if indent == 0 {
                if line.starts_with("---") || line.starts_with("...") {
                    return None;
                }
                let (key, rest) = plain_key(content)?;
                if !top_keys.insert(key) {
                    return None;
                }
                let rest = rest.trim_start_matches(' ');
                // A block section (nothing after its colon) has entries that
                // may start pieces; any other top-level line stays whole.
                section =
                    (rest.is_empty() || rest.starts_with('#')).then(|| (n, None, HashSet::new()));
                continue;
            }
            let Some((header, entry_indent, names)) = section.as_mut() else {
                continue;
            };
            if entry_indent.is_none() && content.starts_with('-') {
                // A block sequence (`extensions:`): not cut, read with the
                // piece its section starts in.
                section = None;
                continue;
            }
            let at = *entry_indent.get_or_insert(indent);
            if indent < at {
                return None;
            }
            if indent == at {
                let (key, _) = plain_key(content)?;
                if !names.insert(key) {
                    return None;
                }
                entries.push(Entry {
                    line: n,
                    header: *header,
                });
            }
        }
        Some(Plan { lines, entries })
    }

    /// Up to `pieces` ranges of lines of about equal size, each starting at
    /// an entry (the first at the file's start).
    fn cuts(&self, pieces: usize) -> Vec<std::ops::Range<usize>> {
        let total = self.lines.last().map_or(0, |l| l.1);
        let mut starts = vec![0];
        for k in 1..pieces {
            let target = total * k / pieces;
            // The first entry at or past the target, if it starts a new piece.
            let at = self
                .entries
                .partition_point(|e| self.lines[e.line].0 < target);
            if let Some(e) = self.entries.get(at) {
                if e.line > *starts.last().unwrap_or(&0) {
                    starts.push(e.line);
                }
            }
        }
        let mut ranges: Vec<_> = starts.windows(2).map(|w| w[0]..w[1]).collect();
        if let Some(&last) = starts.last() {
            ranges.push(last..self.lines.len());
        }
        ranges
    }

    /// The file with every line outside `range` blanked, except the header
    /// of the section the range starts in.
    fn piece(&self, text: &str, range: std::ops::Range<usize>) -> String {
        let header = self
            .entries
            .iter()
            .find(|e| e.line == range.start)
            .map(|e| e.header);
        let mut bytes = text.as_bytes().to_vec();
        for (n, &(s, e)) in self.lines.iter().enumerate() {
            if !range.contains(&n) && Some(n) != header {
                bytes[s..e].fill(b' ');
            }
        }
        // Only whole lines were blanked: what is left is the file's UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// `name:` at the start of a line: the name (letters, digits, `_`, `-`) and
/// what follows the colon; `None` for anything else (quoted keys, lists).
fn plain_key(content: &str) -> Option<(&str, &str)> {
    let end = content
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(content.len());
    let (key, rest) = content.split_at(end);
    let rest = rest.strip_prefix(':')?;
    if key.is_empty() || key.starts_with('-') || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(tables: usize) -> String {
        let mut text = String::from("pg_schema: app\nenums:\n  colour: [red, green]\ntables:\n");
        for i in 0..tables {
            text.push_str(&format!(
                "  t{i:05}:\n    columns:\n      id: {{ type: bigserial, primary_key: true }}\n      colour: colour\n      # a comment\n      note: {{ type: text, default: 'x: y' }}\n"
            ));
        }
        text
    }

    fn no_check(_: &FileAst, _: &mut Diagnostics) {}

    fn summary(ast: &FileAst) -> String {
        format!("{:?}", (ast.pg_schema.as_ref(), &ast.enums, &ast.tables))
    }

    #[test]
    fn pieces_read_as_the_whole_file_does() {
        let text = file(3000);
        assert!(text.len() > PIECES_FROM);
        let whole = super::super::parse_file(FileId(0), &text, &mut Diagnostics::new());
        for pieces in [2, 3, 7] {
            let (cut, clean) =
                parse_in_pieces(FileId(0), &text, pieces, &no_check).expect("this file can be cut");
            assert!(clean);
            assert_eq!(summary(&cut), summary(&whole), "{pieces} pieces");
        }
    }

    #[test]
    fn files_that_could_mean_something_else_are_read_whole() {
        let base = file(3000);
        let anchored = base.replacen("colour: colour", "colour: &c colour", 1);
        let twice = format!("{base}  t00001:\n    columns:\n      id: bigserial\n");
        let quoted = base.replacen("  t00010:", "  \"t00010\":", 1);
        let tabbed = base.replacen("# a comment", "#\ta comment", 1);
        for text in [anchored, twice, quoted, tabbed] {
            assert!(parse_in_pieces(FileId(0), &text, 2, &no_check).is_none());
        }
    }

    #[test]
    fn a_piece_with_an_error_sends_the_file_back_whole() {
        let text = file(3000).replacen("colour: colour", "colour: [colour", 1);
        assert!(parse_in_pieces(FileId(0), &text, 2, &no_check).is_none());
    }
}
