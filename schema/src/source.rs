//! Source files and positions inside them.
//!
//! Every node the parser produces carries a [`Span`], so any stage can point a
//! diagnostic at the exact text that caused it.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A position: 1-based line and column (in characters), and the character offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// The line (1-based).
    pub line: u32,
    /// Column (1-based, in characters).
    pub col: u32,
    /// Byte offset from the file's start.
    pub offset: u32,
}

/// A range of text in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Where it starts.
    pub start: Pos,
    /// Where it ends.
    pub end: Pos,
}

impl Span {
    /// A span covering both `self` and `other` (which must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// A zero-width span at the start of a file, for whole-file problems.
    pub fn file_start(file: FileId) -> Span {
        let pos = Pos {
            line: 1,
            col: 1,
            offset: 0,
        };
        Span {
            file,
            start: pos,
            end: pos,
        }
    }
}

/// A value with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// `value` at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// One loaded file: the path shown to users and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

impl SourceFile {
    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        self.text
            .split('\n')
            .nth(line.saturating_sub(1) as usize)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
}

/// All files read in one run; diagnostics refer into it by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// No files yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file; its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            path: path.into(),
            text: text.into(),
        });
        id
    }

    /// A file by id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// A file's path.
    pub fn path(&self, id: FileId) -> &Path {
        &self.get(id).path
    }

    /// Every file, with its id.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}
