//! Whether a migration directory is one chain: each migration numbered
//! after the one before and starting from its snapshot, every file in the
//! journal. Two branches that each added a migration break it, and this is
//! what tells that apart from an edit, for `check`, `generate` and the
//! runner alike.

use std::collections::BTreeMap;
use std::path::Path;

use super::Journal;

/// How the chain is broken. Each names the migrations involved and the way out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainProblem {
    /// Two migrations of one number.
    #[error(
        "migrations {} share the number {number}: two branches each added one. \
         Run `schemac rebase` to keep the other branch's migrations and generate this branch's again after them",
        tags.join(" and ")
    )]
    Collision {
        /// The number.
        number: String,
        /// The migrations that share it.
        tags: Vec<String>,
    },
    /// A journal entry out of sequence.
    #[error(
        "journal entry {position} is numbered {tag}: numbers must run 0000, 0001, … in journal order \
         (after a merge, `schemac rebase` renumbers this branch's migrations)"
    )]
    Misnumbered {
        /// Its position in the journal.
        position: usize,
        /// Its tag.
        tag: String,
    },
    /// A migration written against another snapshot than the one before it.
    #[error(
        "{tag} does not start from the snapshot of {previous} (two branches that both added migration {number}?); \
         run `schemac rebase` to generate this branch's migration again on top of the other's"
    )]
    NotChained {
        /// The migration's tag.
        tag: String,
        /// The tag of the entry before, or `nothing` for the first.
        previous: String,
        /// The migration number.
        number: String,
    },
    /// A migration file the journal does not list.
    #[error(
        "{file} is not in the journal (added by another branch, or renamed by hand?); \
         after a merge run `schemac rebase`, otherwise remove the file"
    )]
    NotInJournal {
        /// The file.
        file: String,
    },
}

impl ChainProblem {
    /// The migrations the problem is about.
    pub fn tags(&self) -> Vec<&str> {
        match self {
            ChainProblem::Collision { tags, .. } => tags.iter().map(String::as_str).collect(),
            ChainProblem::Misnumbered { tag, .. } | ChainProblem::NotChained { tag, .. } => {
                vec![tag.as_str()]
            }
            ChainProblem::NotInJournal { file } => vec![tag_of_file(file)],
        }
    }
}

/// The number a tag starts with: `0003` of `0003_add_email`.
pub fn number_of(tag: &str) -> Option<&str> {
    let digits = tag.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && tag[digits..].starts_with('_')).then(|| &tag[..digits])
}

/// The names of the SQL files in a migration directory, sorted; none when
/// the directory does not exist yet.
pub fn migration_files(dir: &Path) -> std::io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry?;
        if let Some(name) = entry.file_name().to_str() {
            if name.ends_with(".sql") && entry.path().is_file() {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    Ok(names)
}

/// The migration a SQL file belongs to: `0003_x` of `0003_x.sql` and of
/// `0003_x.down.sql`.
pub fn tag_of_file(file: &str) -> &str {
    file.strip_suffix(".down.sql")
        .or_else(|| file.strip_suffix(".sql"))
        .unwrap_or(file)
}

/// Every way the journal and the files (`migration_files`) fail to form
/// one chain. A collision is reported once, as a collision: the misnumbered
/// entry, the broken link and the stray files it causes are not repeated.
pub fn chain_problems(journal: &Journal, files: &[String]) -> Vec<ChainProblem> {
    let mut by_number: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let stems = journal
        .entries
        .iter()
        .map(|e| e.tag.as_str())
        .chain(files.iter().map(|f| tag_of_file(f)));
    for tag in stems {
        let tags = by_number.entry(number_of(tag).unwrap_or(tag)).or_default();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let mut problems = Vec::new();
    let mut collided: Vec<&str> = Vec::new();
    for (number, tags) in &by_number {
        if tags.len() > 1 {
            collided.extend(tags);
            problems.push(ChainProblem::Collision {
                number: number.to_string(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
            });
        }
    }
    let entries = &journal.entries;
    for (i, e) in entries.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| &entries[p]);
        if collided.contains(&e.tag.as_str())
            || previous.is_some_and(|p| collided.contains(&p.tag.as_str()))
        {
            continue;
        }
        if e.idx as usize != i {
            problems.push(ChainProblem::Misnumbered {
                position: i,
                tag: e.tag.clone(),
            });
        }
        if e.prev_snapshot_sha256.as_ref() != previous.map(|p| &p.snapshot_sha256) {
            problems.push(ChainProblem::NotChained {
                tag: e.tag.clone(),
                previous: previous.map_or("nothing".to_string(), |p| p.tag.clone()),
                number: format!("{:04}", e.idx),
            });
        }
    }
    for f in files {
        let tag = tag_of_file(f);
        if !collided.contains(&tag) && !entries.iter().any(|e| e.tag == tag) {
            problems.push(ChainProblem::NotInJournal { file: f.clone() });
        }
    }
    problems
}

/// The line (from 1) of the first git conflict marker in a text.
pub fn conflict_marker_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| marker(l).is_some())
        .map(|i| i + 1)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Ours,
    Base,
    Theirs,
    End,
}

fn marker(line: &str) -> Option<Marker> {
    if line.starts_with("<<<<<<<") {
        Some(Marker::Ours)
    } else if line.starts_with("|||||||") {
        Some(Marker::Base)
    } else if line.trim_end() == "=======" {
        Some(Marker::Theirs)
    } else if line.starts_with(">>>>>>>") {
        Some(Marker::End)
    } else {
        None
    }
}

/// The two sides of a text with git conflict markers: (ours, theirs), each
/// the text as that side had it (the common ancestor of a diff3 conflict
/// left out). None when there are no markers.
pub fn conflict_sides(text: &str) -> Option<(String, String)> {
    conflict_marker_line(text)?;
    let (mut ours, mut theirs) = (String::new(), String::new());
    let mut side: Option<Marker> = None;
    for line in text.split_inclusive('\n') {
        match marker(line.trim_end_matches(['\n', '\r'])) {
            Some(Marker::End) => side = None,
            Some(m) => side = Some(m),
            None => match side {
                None => {
                    ours.push_str(line);
                    theirs.push_str(line);
                }
                Some(Marker::Ours) => ours.push_str(line),
                Some(Marker::Theirs) => theirs.push_str(line),
                Some(_) => {}
            },
        }
    }
    Some((ours, theirs))
}

#[cfg(test)]
mod tests {
    use super::super::JournalEntry;
    use super::*;

    fn entry(idx: u32, tag: &str, prev: Option<&str>, snap: &str) -> JournalEntry {
        JournalEntry {
            idx,
            tag: tag.into(),
            sql_sha256: String::new(),
            down_sha256: String::new(),
            snapshot_sha256: snap.into(),
            prev_snapshot_sha256: prev.map(str::to_string),
            custom: false,
            edited: false,
            baseline: false,
            hints: None,
            consumed_hints: Vec::new(),
        }
    }

    fn files(tags: &[&str]) -> Vec<String> {
        tags.iter()
            .flat_map(|t| [format!("{t}.sql"), format!("{t}.down.sql")])
            .collect()
    }

    #[test]
    fn a_whole_chain_has_no_problem() {
        let journal = Journal {
            entries: vec![
                entry(0, "0000_init", None, "a"),
                entry(1, "0001_x", Some("a"), "b"),
            ],
            ..Journal::default()
        };
        assert!(chain_problems(&journal, &files(&["0000_init", "0001_x"])).is_empty());
    }

    #[test]
    fn two_branches_numbering_alike_are_one_collision() {
        // Both entries kept in the journal by a hand-resolved merge.
        let journal = Journal {
            entries: vec![
                entry(0, "0000_init", None, "a"),
                entry(1, "0001_x", Some("a"), "b"),
                entry(1, "0001_y", Some("a"), "c"),
            ],
            ..Journal::default()
        };
        let found = chain_problems(&journal, &files(&["0000_init", "0001_x", "0001_y"]));
        assert_eq!(
            found,
            vec![ChainProblem::Collision {
                number: "0001".into(),
                tags: vec!["0001_x".into(), "0001_y".into()],
            }]
        );
        // The journal of one side, the files of both.
        let journal = Journal {
            entries: vec![
                entry(0, "0000_init", None, "a"),
                entry(1, "0001_x", Some("a"), "b"),
            ],
            ..Journal::default()
        };
        let found = chain_problems(&journal, &files(&["0000_init", "0001_x", "0001_y"]));
        assert!(
            matches!(&found[..], [ChainProblem::Collision { .. }]),
            "{found:?}"
        );
    }

    #[test]
    fn a_renumbered_branch_is_not_chained_and_a_stray_file_is_named() {
        let journal = Journal {
            entries: vec![
                entry(0, "0000_init", None, "a"),
                entry(1, "0001_x", Some("a"), "b"),
                entry(2, "0002_y", Some("a"), "c"),
            ],
            ..Journal::default()
        };
        let mut on_disk = files(&["0000_init", "0001_x", "0002_y"]);
        on_disk.push("0003_z.sql".into());
        let found = chain_problems(&journal, &on_disk);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(matches!(&found[0], ChainProblem::NotChained { tag, .. } if tag == "0002_y"));
        assert!(matches!(&found[1], ChainProblem::NotInJournal { file } if file == "0003_z.sql"));
    }

    #[test]
    fn conflict_markers_are_found_and_split() {
        let text = "[\n  a,\n<<<<<<< HEAD\n  ours\n||||||| base\n  old\n=======\n  theirs\n>>>>>>> main\n]\n";
        assert_eq!(conflict_marker_line(text), Some(3));
        let (ours, theirs) = conflict_sides(text).unwrap();
        assert_eq!(ours, "[\n  a,\n  ours\n]\n");
        assert_eq!(theirs, "[\n  a,\n  theirs\n]\n");
        assert_eq!(conflict_sides("[]\n"), None);
    }
}
