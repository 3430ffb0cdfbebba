//! YAML text -> a tree of spanned nodes.
//!
//! Built on saphyr-parser's event stream rather than a serde deserializer so
//! that every node keeps its span, scalars keep their exact text (`1.50` stays
//! `1.50`), YAML 1.2 rules apply (`yes` and `on` are strings), and a key
//! repeated in one mapping is an error instead of silently winning.

use foldhash::{HashMap, HashMapExt};

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Pos, Span};

#[derive(Clone, Debug, PartialEq)]
/// A YAML node with its place.
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Where it is written.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
/// A scalar, a sequence or a map.
pub enum NodeKind {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Node>),
    /// Entries in the order written; keys are always scalars.
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
/// A scalar's text, verbatim.
pub struct Scalar {
    /// The text as written.
    pub text: String,
    /// Quoted and block scalars are always strings; only plain scalars can be
    /// numbers, booleans or null.
    pub quoted: bool,
}

impl Node {
    /// The scalar, if it is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if it is a map.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if it is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// YAML 1.2 core schema null: `~`, `null`, `Null`, `NULL` or nothing.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s) if !s.quoted && is_null_text(&s.text))
    }

    /// A word for the node's shape, for messages ("expected a list, found a mapping").
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s) if !s.quoted && is_null_text(&s.text) => "nothing (null)",
            NodeKind::Scalar(_) => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// Whether a plain scalar's text is YAML's null (`~`, `null`, empty).
pub fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// YAML 1.2 core schema booleans. `yes`/`no`/`on`/`off` are deliberately not here.
pub fn core_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// How many nodes aliases may add to a document in all. An alias copies
/// its anchor's nodes, so ten anchors of nine aliases each (the "billion
/// laughs") would expand a few hundred bytes into 10^9 nodes; a schema that
/// shares a column's settings through aliases stays far below this.
pub const MAX_ALIAS_NODES: usize = 100_000;

fn node_count(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Scalar(_) => 0,
        NodeKind::Seq(items) => items.iter().map(node_count).sum(),
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| node_count(k) + node_count(v))
            .sum(),
    }
}

/// Parses one YAML document. An empty file gives `None` without an error.
pub fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        root: None,
        documents: 0,
        diags,
    };
    for event in Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => {
                if !builder.event(event, span) {
                    return None;
                }
            }
            Err(e) => {
                let pos = pos(e.marker());
                builder.diags.push(
                    Diagnostic::error(format!("invalid YAML: {}", e.info()))
                        .at(
                            Span {
                                file,
                                start: pos,
                                end: pos,
                            },
                            "the YAML parser stopped here",
                        )
                        .help("check indentation and quoting; SQL expressions are safest as double-quoted strings"),
                );
                return None;
            }
        }
    }
    builder.root
}

fn pos(m: &Marker) -> Pos {
    Pos {
        line: m.line() as u32,
        col: m.col() as u32 + 1,
        offset: m.index() as u32,
    }
}

enum Open {
    Seq {
        start: YSpan,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: YSpan,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        /// Each key's entry, once the mapping is large enough for a linear
        /// search per key to cost more than the table (a schema's `enums:` or
        /// `tables:` holds thousands of keys).
        index: Option<HashMap<String, usize>>,
    },
}

/// Mappings with fewer entries are searched for a duplicate key in order.
const INDEXED_FROM: usize = 16;

/// The entry whose key is `text`, if any.
fn find_key(
    entries: &[(Node, Node)],
    index: &Option<HashMap<String, usize>>,
    text: &str,
) -> Option<usize> {
    match index {
        Some(index) => index.get(text).copied(),
        None => entries
            .iter()
            .position(|(k, _)| k.as_scalar().is_some_and(|s| s.text == text)),
    }
}

/// Records the entry just pushed in the index, building it when the mapping
/// reaches [`INDEXED_FROM`] entries.
fn index_last(entries: &[(Node, Node)], index: &mut Option<HashMap<String, usize>>) {
    let from = match index {
        Some(_) => entries.len() - 1,
        None if entries.len() >= INDEXED_FROM => 0,
        None => return,
    };
    let index = index.get_or_insert_with(|| HashMap::with_capacity(entries.len() * 2));
    for (i, (key, _)) in entries.iter().enumerate().skip(from) {
        if let Some(key) = key.as_scalar() {
            // The first key written wins, as the linear search finds it.
            index.entry(key.text.clone()).or_insert(i);
        }
    }
}

struct Builder<'d> {
    file: FileId,
    stack: Vec<Open>,
    /// Each anchor's node and how many nodes it holds.
    anchors: HashMap<usize, (Node, usize)>,
    /// The nodes aliases have added so far.
    alias_nodes: usize,
    root: Option<Node>,
    documents: usize,
    diags: &'d mut Diagnostics,
}

impl Builder<'_> {
    fn span(&self, s: YSpan) -> Span {
        Span {
            file: self.file,
            start: pos(&s.start),
            end: pos(&s.end),
        }
    }

    /// Handles one event; returns false when parsing must stop.
    fn event(&mut self, event: Event<'_>, span: YSpan) -> bool {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => true,
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    let sp = self.span(span);
                    self.diags.push(
                        Diagnostic::error("a schema file holds one YAML document")
                            .at(sp, "a second document starts here")
                            .help("move the second document into a file of its own"),
                    );
                    return false;
                }
                true
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((_, size)) if self.alias_nodes + size > MAX_ALIAS_NODES => {
                    let sp = self.span(span);
                    self.diags.push(
                        Diagnostic::error(format!(
                            "YAML aliases expand this file past {MAX_ALIAS_NODES} nodes"
                        ))
                        .at(sp, "this alias copies its anchor once more")
                        .help(
                            "aliases copy what they point at, and aliases of aliases multiply it; \
                             share columns with a mixin instead",
                        ),
                    );
                    false
                }
                Some((node, size)) => {
                    let mut node = node.clone();
                    self.alias_nodes += size;
                    node.span = self.span(span);
                    self.finish(node)
                }
                None => {
                    let sp = self.span(span);
                    self.diags.push(
                        Diagnostic::error("unknown YAML alias").at(sp, "no anchor with this name"),
                    );
                    false
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                // Every name, literal, comment and expression of a schema is
                // a scalar, and none can hold a NUL: PostgreSQL stores no
                // NUL in text, names or json, and would cut the migration's
                // SQL there.
                if text.contains('\0') {
                    let sp = self.span(span);
                    self.diags.push(
                        Diagnostic::error("this value contains a NUL character (`\\0`), which PostgreSQL cannot store")
                            .at(sp, "holds a NUL")
                            .help("remove the `\\0` escape (or the NUL byte) from the value"),
                    );
                }
                let mut quoted = !matches!(style, ScalarStyle::Plain);
                if let Some(tag) = tag {
                    if tag.suffix == "str"
                        && (tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!")
                    {
                        quoted = true;
                    } else {
                        let sp = self.span(span);
                        self.diags.push(
                            Diagnostic::error(format!(
                                "YAML tag `{}{}` is not supported",
                                tag.handle, tag.suffix
                            ))
                            .at(sp, "tagged here")
                            .help("remove the tag; quote the value if it must be a string"),
                        );
                    }
                }
                let node = Node {
                    kind: NodeKind::Scalar(Scalar {
                        text: text.into_owned(),
                        quoted,
                    }),
                    span: self.span(span),
                };
                if anchor != 0 {
                    self.anchors
                        .insert(anchor, (node.clone(), node_count(&node)));
                }
                self.finish(node)
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push(Open::Seq {
                    start: span,
                    anchor,
                    items: Vec::new(),
                });
                true
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push(Open::Map {
                    start: span,
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                    index: None,
                });
                true
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = self.stack.pop() else {
                    return false;
                };
                // A flow collection's end event covers its `]` or `}`; a block one is empty.
                let closing = (span.start.index() != span.end.index()).then(|| pos(&span.end));
                let (node, anchor) = match open {
                    Open::Seq {
                        start,
                        anchor,
                        items,
                    } => {
                        let end = items.last().map(|n| n.span.end);
                        let mut sp = self.span(start);
                        if let Some(end) = end {
                            sp.end = sp.end.max(end);
                        }
                        (
                            Node {
                                kind: NodeKind::Seq(items),
                                span: sp,
                            },
                            anchor,
                        )
                    }
                    Open::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => {
                        let mut sp = self.span(start);
                        // A block mapping's start event is zero-width: point at its first key.
                        if let Some((k, _)) = entries.first() {
                            if sp.start == sp.end {
                                sp = k.span;
                            }
                        }
                        (
                            Node {
                                kind: NodeKind::Map(entries),
                                span: sp,
                            },
                            anchor,
                        )
                    }
                };
                let mut node = node;
                if let Some(end) = closing {
                    node.span.end = node.span.end.max(end);
                }
                if anchor != 0 {
                    self.anchors
                        .insert(anchor, (node.clone(), node_count(&node)));
                }
                self.finish(node)
            }
        }
    }

    /// Places a completed node into its parent (or makes it the root).
    fn finish(&mut self, node: Node) -> bool {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                true
            }
            Some(Open::Seq { items, .. }) => {
                items.push(node);
                true
            }
            Some(Open::Map {
                entries,
                pending_key,
                index,
                ..
            }) => match pending_key.take() {
                None => {
                    let Some(key) = node.as_scalar() else {
                        let sp = node.span;
                        self.diags.push(
                            Diagnostic::error("mapping keys must be plain names")
                                .at(sp, format!("this key is {}", node.describe())),
                        );
                        return false;
                    };
                    if key.text == "<<" && !key.quoted {
                        let sp = node.span;
                        self.diags.push(
                            Diagnostic::error("YAML merge keys (`<<`) are not supported")
                                .at(sp, "merge key")
                                .help("use a mixin to share columns between tables"),
                        );
                    }
                    if let Some(first) = find_key(entries, index, &key.text) {
                        let first_span = entries[first].0.span;
                        let sp = node.span;
                        let text = key.text.clone();
                        self.diags.push(
                            Diagnostic::error(format!("duplicate key `{text}` in one mapping"))
                                .at(sp, "repeated here")
                                .also(first_span, "first written here")
                                .help("remove one of them; schemac never lets the last one win"),
                        );
                    }
                    *pending_key = Some(node);
                    true
                }
                Some(key) => {
                    entries.push((key, node));
                    index_last(entries, index);
                    true
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repeated key is found in a small mapping (searched in order) and
    /// in a large one (indexed), pointing at both places.
    #[test]
    fn duplicate_keys_are_found_in_mappings_of_any_size() {
        for size in [3, INDEXED_FROM, 200] {
            let mut text: String = (0..size).map(|i| format!("k{i}: {i}\n")).collect();
            text.push_str("k1: again\n");
            let mut diags = Diagnostics::new();
            parse(FileId(0), &text, &mut diags);
            let rendered = format!("{diags:?}");
            assert_eq!(
                rendered.matches("duplicate key `k1`").count(),
                1,
                "{size}: {rendered}"
            );
            assert!(
                rendered.contains("first written here"),
                "{size}: {rendered}"
            );
        }
    }
}
