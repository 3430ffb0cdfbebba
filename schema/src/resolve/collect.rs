//! Pass 1: the files of a database collected into one [`Db`]: every section read, names checked for duplicates, mixins expanded into their tables.

use super::*;

pub(super) fn collect<'a>(source: &'a DatabaseSource, diags: &mut Diagnostics) -> Db<'a> {
    let mut db = Db {
        name: &source.name,
        ids: Vec::new(),
        enums: Vec::new(),
        enum_spans: HashMap::new(),
        extensions: Vec::new(),
        tables: Vec::new(),
        table_positions: HashMap::new(),
        views: Vec::new(),
        routines: Vec::new(),
        sequences: Vec::new(),
        domains: Vec::new(),
        domain_spans: HashMap::new(),
        domain_renames: Vec::new(),
    };
    let mut domain_defs: Vec<(&DomainDef, String)> = Vec::new();

    // Names defined twice, within or across files, are errors naming both places.
    let mut id_spans: HashMap<&str, Span> = HashMap::new();
    // A prefix says which type an external ID is: two types cannot share one.
    let mut prefixes: HashMap<&str, (&str, Span)> = HashMap::new();
    let mut mixins: HashMap<&str, &MixinDef> = HashMap::new();
    let mut table_spans: HashMap<(String, &str), Span> = HashMap::new();
    let mut table_files: Vec<(&TableDef, String)> = Vec::new();
    let mut enum_defs: Vec<(&EnumDef, String)> = Vec::new();

    for file in &source.files {
        if file.file.is_none() {
            continue;
        }
        let pg_schema = file
            .pg_schema
            .as_ref()
            .map_or_else(|| "public".to_string(), |s| s.value.clone());
        if let Some(s) = &file.pg_schema {
            check_identifier(&s.value, s.span, "pg_schema name", diags);
        }
        for ext in &file.extensions {
            // Extension names are letters, digits, `_` and `-` (uuid-ossp);
            // anything else cannot name one PostgreSQL has.
            let plain = !ext.value.is_empty()
                && ext
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !plain {
                diags.push(
                    Diagnostic::error(format!("`{}` is not an extension's name", ext.value))
                        .at(ext.span, "not an extension")
                        .help("extensions are named with letters, digits, `_` and `-`, as in `uuid-ossp` or `pg_trgm`"),
                );
                continue;
            }
            if !db.extensions.iter().any(|(e, _)| e == &ext.value) {
                db.extensions.push((ext.value.clone(), ext.span));
            }
        }
        for id in &file.ids {
            if let Some(first) = id_spans.insert(&id.name.value, id.name.span) {
                diags.push(duplicate("ID type", &id.name.value, id.name.span, first));
                continue;
            }
            if let Some((other, first)) = prefixes.get(id.prefix.value.as_str()) {
                diags.push(
                    Diagnostic::error(format!(
                        "ID types `{other}` and `{}` share the prefix `{}`",
                        id.name.value, id.prefix.value
                    ))
                    .at(id.prefix.span, "the same prefix again")
                    .also(*first, format!("`{other}`'s prefix"))
                    .help(
                        "give each ID type a prefix of its own: the prefix is how an external ID \
                         says its type, and with a shared one either type would parse the other's IDs",
                    ),
                );
            } else {
                prefixes.insert(&id.prefix.value, (&id.name.value, id.prefix.span));
            }
            db.ids.push(build_id(id, diags));
        }
        for e in &file.enums {
            if let Some(first) = db.enum_spans.get(&e.name.value) {
                diags.push(duplicate("enum", &e.name.value, e.name.span, *first));
                continue;
            }
            db.enum_spans.insert(e.name.value.clone(), e.name.span);
            enum_defs.push((e, pg_schema.clone()));
        }
        for m in &file.mixins {
            if let Some(first) = mixins.get(m.name.value.as_str()) {
                diags.push(duplicate(
                    "mixin",
                    &m.name.value,
                    m.name.span,
                    first.name.span,
                ));
                continue;
            }
            mixins.insert(&m.name.value, m);
        }
        for t in &file.tables {
            let key = (pg_schema.clone(), t.name.value.as_str());
            if let Some(first) = table_spans.get(&key) {
                diags.push(duplicate("table", &t.name.value, t.name.span, *first));
                continue;
            }
            table_spans.insert(key, t.name.span);
            table_files.push((t, pg_schema.clone()));
        }
        // A view named like a table is met by the namespace check, which
        // names both.
        for v in &file.views {
            check_identifier(&v.name.value, v.name.span, "view name", diags);
            let twice = db.views.iter().find(|(d, s): &&(&ViewDef, String)| {
                *s == pg_schema && d.name.value == v.name.value
            });
            if let Some((first, _)) = twice {
                diags.push(duplicate(
                    "view",
                    &v.name.value,
                    v.name.span,
                    first.name.span,
                ));
                continue;
            }
            db.views.push((v, pg_schema.clone()));
        }
        let routines = file
            .functions
            .iter()
            .map(Routine::Function)
            .chain(file.aggregates.iter().map(Routine::Aggregate));
        for r in routines {
            let name = r.name();
            check_identifier(&name.value, name.span, "function name", diags);
            let twice = db
                .routines
                .iter()
                .find(|(d, s)| *s == pg_schema && d.name().value == name.value);
            if let Some((first, _)) = twice {
                // Overloads (one name, other parameter types) are not
                // supported: a function is found by its name.
                diags.push(duplicate(
                    "function",
                    &name.value,
                    name.span,
                    first.name().span,
                ));
                continue;
            }
            db.routines.push((r, pg_schema.clone()));
        }
        for d in &file.domains {
            check_identifier(&d.name.value, d.name.span, "domain name", diags);
            let twice = domain_defs
                .iter()
                .find(|(o, s)| *s == pg_schema && o.name.value == d.name.value);
            if let Some((first, _)) = twice {
                diags.push(duplicate(
                    "domain",
                    &d.name.value,
                    d.name.span,
                    first.name.span,
                ));
                continue;
            }
            domain_defs.push((d, pg_schema.clone()));
        }
        for q in &file.sequences {
            check_identifier(&q.name.value, q.name.span, "sequence name", diags);
            // A sequence named like a table is met by the namespace check.
            let twice = db
                .sequences
                .iter()
                .find(|(d, s)| *s == pg_schema && d.name.value == q.name.value);
            if let Some((first, _)) = twice {
                diags.push(duplicate(
                    "sequence",
                    &q.name.value,
                    q.name.span,
                    first.name.span,
                ));
                continue;
            }
            db.sequences.push((q, pg_schema.clone()));
        }
    }

    for (e, pg_schema) in enum_defs {
        if let Some(built) = build_enum(e, pg_schema, diags) {
            db.enums.push(built);
        }
    }
    // After the enums, which a domain may be over; before the columns.
    for (d, pg_schema) in domain_defs {
        if let Some(built) = build_domain(d, pg_schema, &db, diags) {
            if let Some(from) = &d.renamed_from {
                db.domain_renames.push(crate::model::ObjectRenamed {
                    kind: crate::model::ObjectKind::Domain,
                    pg_schema: built.pg_schema.clone(),
                    table: None,
                    name: built.name.clone(),
                    from: from.value.clone(),
                });
            }
            db.domain_spans.insert(built.key(), d.name.span);
            db.domains.push(built);
        }
    }

    let mut expander = MixinExpander {
        mixins: &mixins,
        done: HashMap::new(),
    };
    for (def, pg_schema) in table_files {
        let table = collect_table(def, pg_schema, &db, &mut expander, diags);
        db.table_positions
            .entry(table.def.name.value.clone())
            .or_default()
            .push(db.tables.len());
        db.tables.push(table);
    }
    // Mixins no table uses still get their cycles and references checked.
    let mut names: Vec<&&str> = mixins.keys().collect();
    names.sort();
    for name in names {
        let m = mixins[*name];
        expander.expand(m, &mut Vec::new(), diags);
    }
    db
}

fn duplicate(what: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(format!("{what} `{name}` is defined twice"))
        .at(span, "defined again here")
        .also(first, "first defined here")
        .help(format!(
            "rename or remove one of them; each {what} name must be unique in its database"
        ))
}

/// Expands mixins (nested, in order, each once) and finds cycles.
struct MixinExpander<'a, 'm> {
    mixins: &'m HashMap<&'a str, &'a MixinDef>,
    /// mixin -> its expansion: itself, then what it uses, depth first.
    done: HashMap<&'a str, Vec<&'a MixinDef>>,
}

impl<'a> MixinExpander<'a, '_> {
    fn expand(
        &mut self,
        m: &'a MixinDef,
        stack: &mut Vec<&'a str>,
        diags: &mut Diagnostics,
    ) -> Vec<&'a MixinDef> {
        if let Some(d) = self.done.get(m.name.value.as_str()) {
            return d.clone();
        }
        stack.push(&m.name.value);
        let mut out = vec![m];
        for used in &m.mixins {
            let Some(u) = self.lookup(used, diags) else {
                continue;
            };
            if stack.contains(&u.name.value.as_str()) {
                let mut cycle: Vec<&str> = stack
                    .iter()
                    .skip_while(|s| **s != u.name.value)
                    .copied()
                    .collect();
                cycle.push(&u.name.value);
                diags.push(
                    Diagnostic::error(format!("mixins form a cycle: {}", cycle.join(" -> ")))
                        .at(used.span, "uses a mixin that leads back here")
                        .help("remove one of the uses to break the cycle"),
                );
                continue;
            }
            for x in self.expand(u, stack, diags) {
                if !out.iter().any(|o| std::ptr::eq(*o, x)) {
                    out.push(x);
                }
            }
        }
        stack.pop();
        self.done.insert(&m.name.value, out.clone());
        out
    }

    fn lookup(
        &self,
        name: &crate::source::Spanned<String>,
        diags: &mut Diagnostics,
    ) -> Option<&'a MixinDef> {
        match self.mixins.get(name.value.as_str()) {
            Some(m) => Some(m),
            None => {
                let mut known: Vec<&str> = self.mixins.keys().copied().collect();
                known.sort();
                diags.push(
                    Diagnostic::error(format!("unknown mixin `{}`", name.value))
                        .at(name.span, "no mixin with this name")
                        .maybe_help(suggest::did_you_mean(&name.value, &known, "mixins")),
                );
                None
            }
        }
    }
}

fn collect_table<'a>(
    def: &'a TableDef,
    pg_schema: String,
    db: &Db<'_>,
    expander: &mut MixinExpander<'a, '_>,
    diags: &mut Diagnostics,
) -> WorkTable<'a> {
    check_identifier(&def.name.value, def.name.span, "table name", diags);
    let mut table = WorkTable {
        def,
        pg_schema,
        columns: Vec::new(),
        indexes: def.indexes.iter().collect(),
        checks: def.checks.iter().collect(),
        soft_delete: def.soft_delete.iter().collect(),
        pk_columns: Vec::new(),
    };
    let mut used: Vec<&'a MixinDef> = Vec::new();
    for name in &def.mixins {
        let Some(m) = expander.lookup(name, diags) else {
            continue;
        };
        for x in expander.expand(m, &mut Vec::new(), diags) {
            if !used.iter().any(|u| std::ptr::eq(*u, x)) {
                used.push(x);
            }
        }
    }
    let mut seen: HashMap<&str, (Span, Option<&str>)> = HashMap::new();
    let all = def.columns.iter().map(|c| (c, None)).chain(
        used.iter()
            .flat_map(|m| m.columns.iter().map(|c| (c, Some(m.name.value.as_str())))),
    );
    for (c, mixin) in all {
        if let Some((first, first_mixin)) = seen.get(c.name.value.as_str()) {
            let msg = match (mixin, first_mixin) {
                (Some(m), None) => format!(
                    "column `{}` of table `{}` clashes with the same column from mixin `{m}`",
                    c.name.value, def.name.value
                ),
                (Some(m), Some(fm)) => format!(
                    "mixins `{fm}` and `{m}` both add column `{}` to table `{}`",
                    c.name.value, def.name.value
                ),
                _ => format!(
                    "column `{}` is defined twice in table `{}`",
                    c.name.value, def.name.value
                ),
            };
            // Point at the table's own column when one is involved: that is the line to change.
            let (here, there) = match (mixin, first_mixin) {
                (Some(_), None) => (*first, c.name.span),
                _ => (c.name.span, *first),
            };
            diags.push(
                Diagnostic::error(msg)
                    .at(here, "defined here")
                    .also(there, "and here")
                    .help("a table column never overrides a mixin column: rename one, or drop the mixin"),
            );
            continue;
        }
        seen.insert(&c.name.value, (c.name.span, mixin));
        check_identifier(&c.name.value, c.name.span, "column name", diags);
        let (ty, nullable) = column_type(c, db, diags);
        table.columns.push(WorkColumn {
            def: c,
            ty,
            nullable,
        });
    }
    for m in &used {
        table.indexes.extend(m.indexes.iter());
        table.checks.extend(m.checks.iter());
        table.soft_delete.extend(m.soft_delete.iter());
    }
    table.pk_columns = match &def.primary_key {
        Some(pk) => pk.value.iter().map(|c| c.value.clone()).collect(),
        None => table
            .columns
            .iter()
            .filter(|c| c.def.primary_key.as_ref().is_some_and(|p| p.value))
            .map(|c| c.def.name.value.clone())
            .collect(),
    };
    table
}
