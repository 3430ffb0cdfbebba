//! What a change hint said, as the journal records it once a migration has
//! consumed it: the hint's kind, where it sits (pg_schema, table, column or
//! enum) and its value. A key is data, never a message, so rewording what
//! `generate` prints cannot bring a consumed hint back to life, and two
//! tables of the same name in two pg_schemas never share one.

use serde::{Deserialize, Serialize};

/// One hint, by what it says.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "hint", rename_all = "snake_case", deny_unknown_fields)]
pub enum HintKey {
    /// A table's `renamed_from`.
    TableRenamedFrom {
        /// The pg_schema.
        schema: String,
        /// The table.
        table: String,
        /// The old name (or value).
        from: String,
    },
    /// An enum's `renamed_from`.
    EnumRenamedFrom {
        /// Its name.
        name: String,
        /// The old name (or value).
        from: String,
    },
    /// An enum value's `renamed_from`.
    EnumValueRenamedFrom {
        /// Its name.
        name: String,
        /// The value.
        value: String,
        /// The old name (or value).
        from: String,
    },
    /// An enum's `remap` entry.
    EnumRemap {
        /// Its name.
        name: String,
        /// The old name (or value).
        from: String,
        /// The value its rows become.
        to: String,
    },
    /// A column's `renamed_from`.
    ColumnRenamedFrom {
        /// The pg_schema.
        schema: String,
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The old name (or value).
        from: String,
    },
    /// A column's `using`.
    ColumnUsing {
        /// The pg_schema.
        schema: String,
        /// The table.
        table: String,
        /// The column.
        column: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        /// The conversion up.
        up: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        /// The conversion down.
        down: Option<String>,
    },
    /// A view's, function's, trigger's, sequence's or domain's
    /// `renamed_from`.
    ObjectRenamedFrom {
        /// What it is.
        kind: crate::model::ObjectKind,
        /// The pg_schema.
        schema: String,
        /// A trigger's table.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        table: Option<String>,
        /// Its name.
        name: String,
        /// The old name.
        from: String,
    },
    /// A column's `backfill`.
    ColumnBackfill {
        /// The pg_schema.
        schema: String,
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The value.
        value: String,
    },
}

/// An entry of a journal's `consumed_hints`: a typed key, or the text an
/// earlier version of schemac recorded, read into one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RecordedHint {
    /// A hint this version records by key.
    Key(HintKey),
    /// A hint recorded as text by an earlier version.
    Text(String),
}

impl RecordedHint {
    /// The key; none for a text no version of schemac wrote.
    pub fn key(&self) -> Option<HintKey> {
        match self {
            RecordedHint::Key(k) => Some(k.clone()),
            RecordedHint::Text(t) => HintKey::from_text(t),
        }
    }
}

impl HintKey {
    /// A key as journals written before keys were typed spell it:
    /// `table public.users renamed_from people`,
    /// `column public.users.email using lower(email) down email`, ...
    /// Names holding the separators (a dot, ` renamed_from `) read as well
    /// as that text allowed.
    pub fn from_text(text: &str) -> Option<HintKey> {
        let (kind, rest) = text.split_once(' ')?;
        match kind {
            "table" => {
                let (at, from) = rest.rsplit_once(" renamed_from ")?;
                let (schema, table) = at.split_once('.')?;
                Some(HintKey::TableRenamedFrom {
                    schema: schema.into(),
                    table: table.into(),
                    from: from.into(),
                })
            }
            "enum" => {
                if let Some((name, remap)) = rest.split_once(" remap ") {
                    let (from, to) = remap.split_once(" to ")?;
                    return Some(HintKey::EnumRemap {
                        name: name.into(),
                        from: from.into(),
                        to: to.into(),
                    });
                }
                let (at, from) = rest.rsplit_once(" renamed_from ")?;
                Some(match at.split_once(" value ") {
                    Some((name, value)) => HintKey::EnumValueRenamedFrom {
                        name: name.into(),
                        value: value.into(),
                        from: from.into(),
                    },
                    None => HintKey::EnumRenamedFrom {
                        name: at.into(),
                        from: from.into(),
                    },
                })
            }
            "column" => {
                let (at, what) = rest.split_once(' ')?;
                let (schema, rest) = at.split_once('.')?;
                let (table, column) = rest.rsplit_once('.')?;
                let (schema, table, column) = (schema.into(), table.into(), column.into());
                let (verb, value) = what.split_once(' ').unwrap_or((what, ""));
                Some(match verb {
                    "renamed_from" => HintKey::ColumnRenamedFrom {
                        schema,
                        table,
                        column,
                        from: value.into(),
                    },
                    "backfill" => HintKey::ColumnBackfill {
                        schema,
                        table,
                        column,
                        value: value.into(),
                    },
                    "using" => {
                        let (up, down) = match value.rsplit_once(" down ") {
                            Some((up, down)) => (up, Some(down.to_owned())),
                            None => (value, None),
                        };
                        HintKey::ColumnUsing {
                            schema,
                            table,
                            column,
                            up: Some(up.to_owned()).filter(|u| !u.is_empty()),
                            down,
                        }
                    }
                    _ => return None,
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_earlier_journals_hold_reads_into_keys() {
        let cases = [
            (
                "table public.bookmarks renamed_from saved_posts",
                HintKey::TableRenamedFrom {
                    schema: "public".into(),
                    table: "bookmarks".into(),
                    from: "saved_posts".into(),
                },
            ),
            (
                "enum user_status remap inactive to suspended",
                HintKey::EnumRemap {
                    name: "user_status".into(),
                    from: "inactive".into(),
                    to: "suspended".into(),
                },
            ),
            (
                "enum notification_kind value vote renamed_from upvote",
                HintKey::EnumValueRenamedFrom {
                    name: "notification_kind".into(),
                    value: "vote".into(),
                    from: "upvote".into(),
                },
            ),
            (
                "enum billing_plan renamed_from plan",
                HintKey::EnumRenamedFrom {
                    name: "billing_plan".into(),
                    from: "plan".into(),
                },
            ),
            (
                "column audit.audit_logs.occurred_at renamed_from occured_at",
                HintKey::ColumnRenamedFrom {
                    schema: "audit".into(),
                    table: "audit_logs".into(),
                    column: "occurred_at".into(),
                    from: "occured_at".into(),
                },
            ),
            (
                "column public.users.country backfill 'US'",
                HintKey::ColumnBackfill {
                    schema: "public".into(),
                    table: "users".into(),
                    column: "country".into(),
                    value: "'US'".into(),
                },
            ),
            (
                "column public.users.score using score::int down score::text",
                HintKey::ColumnUsing {
                    schema: "public".into(),
                    table: "users".into(),
                    column: "score".into(),
                    up: Some("score::int".into()),
                    down: Some("score::text".into()),
                },
            ),
        ];
        for (text, key) in cases {
            assert_eq!(HintKey::from_text(text), Some(key.clone()), "{text}");
            let recorded: RecordedHint =
                serde_json::from_str(&serde_json::to_string(text).unwrap()).unwrap();
            assert_eq!(recorded.key(), Some(key.clone()));
            let typed: RecordedHint =
                serde_json::from_str(&serde_json::to_string(&key).unwrap()).unwrap();
            assert_eq!(typed, RecordedHint::Key(key));
        }
    }
}
