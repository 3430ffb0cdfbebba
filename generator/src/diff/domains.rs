//! Domains: created before the tables whose columns are of them, altered
//! in place (default, NOT NULL, checks), and dropped after those columns.
//!
//! PostgreSQL cannot change a domain's base type. A domain whose base type
//! changes is rebuilt as an enum is: the old one steps aside under a
//! retired name first, the new one is created under the name, the columns
//! of it are retyped to it (their own type change, with its `using:` and
//! its hazards, and the views over them taken along), and the old one is
//! dropped after them.

use foldhash::HashMap;

use schemac_schema::model::{Domain, ObjectKind};
use schemac_schema::sql::qualified;

use super::change::retired_name;
use super::object_renames::ObjectRename;

use super::phase::Phase;
use super::{Change, CommentTarget, Differ};
use crate::ddl::{self, alter_domain};

impl Differ<'_> {
    pub(super) fn domains(&mut self) {
        let new_by_key: HashMap<String, &Domain> =
            self.new.domains.iter().map(|d| (d.key(), d)).collect();
        let old_by_key: HashMap<String, &Domain> =
            self.old.domains.iter().map(|d| (d.key(), d)).collect();
        for old in &self.old.domains {
            let kept = new_by_key.get(&old.key()).filter(|n| n.base == old.base);
            if kept.is_some() {
                continue;
            }
            let mut name = old.name.clone();
            if new_by_key.contains_key(&old.key()) {
                // Rebuilt: the old one steps aside for the new one, and
                // goes once its columns are off it.
                name = retired_name(&old.name);
                self.rebuilt_domains.insert(old.key());
                self.out.push(
                    Phase::RenameObjects,
                    Change::RenameObject {
                        rename: ObjectRename {
                            kind: ObjectKind::Domain,
                            schema: old.pg_schema.clone(),
                            table: None,
                            name: name.clone(),
                            from: old.name.clone(),
                        },
                        target: format!("DOMAIN {}", qualified(&old.pg_schema, &old.name)),
                    },
                );
            }
            self.out.push(
                Phase::DropDomains,
                Change::DropDomain {
                    schema: old.pg_schema.clone(),
                    name,
                },
            );
        }
        for new in &self.new.domains {
            match old_by_key.get(&new.key()).filter(|o| o.base == new.base) {
                None => {
                    let base = ddl::sql_type(self.new, &new.base);
                    self.out.push(
                        Phase::CreateDomains,
                        Change::CreateDomain {
                            domain: new.clone(),
                            base,
                        },
                    );
                }
                Some(old) => {
                    let statements = alter_domain(old, new);
                    if !statements.is_empty() {
                        // After the columns' own changes: a new check is
                        // checked against the values they then hold.
                        self.out.push(
                            Phase::AlterDomains,
                            Change::AlterDomain {
                                name: new.name.clone(),
                                statements,
                            },
                        );
                    }
                    if old.comment != new.comment {
                        self.out.push(
                            Phase::Comments,
                            Change::Comment {
                                target: CommentTarget::Domain {
                                    schema: new.pg_schema.clone(),
                                    name: new.name.clone(),
                                },
                                text: new.comment.clone(),
                            },
                        );
                    }
                }
            }
        }
    }
}
