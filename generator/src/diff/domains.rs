//! Domains: created before the tables whose columns are of them, altered
//! in place (default, NOT NULL, checks), and dropped after those columns.

use foldhash::HashMap;

use schemac_schema::model::Domain;

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
            if kept.is_none() {
                let again = new_by_key.contains_key(&old.key());
                if again {
                    self.warnings.push(format!(
                        "domain {} changes its base type: PostgreSQL cannot change it under the columns of it, so the migration drops it and creates it again, which fails while a column is of it; move its columns to a new domain instead",
                        old.name
                    ));
                }
                // Dropped just before its new version when it comes back.
                let phase = if again {
                    Phase::CreateDomains
                } else {
                    Phase::DropDomains
                };
                self.out.push(
                    phase,
                    Change::DropDomain {
                        schema: old.pg_schema.clone(),
                        name: old.name.clone(),
                    },
                );
            }
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
