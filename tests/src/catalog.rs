//! A database's catalog as sorted lines, and the catalog a model says it should have.
//!
//! Postgres rewrites expressions (`price * qty` comes back as
//! `(price * (qty)::numeric)`), so the expected side passes each of the
//! model's expressions through Postgres too: on a scratch copy of the table
//! (`CREATE TABLE ... (LIKE ...)`) in a scratch schema, and reads it back with
//! the same catalog functions. The DDL for that is written here, from the
//! model, independently of the generator's SQL emission.

use postgres::Client;
use schemac_schema::model::*;

/// Every object of the user's schemas, one line each, sorted.
pub fn read(client: &mut Client) -> Vec<String> {
    let mut lines = Vec::new();
    let q = |client: &mut Client, sql: &str| -> Vec<String> {
        client
            .query(sql, &[])
            .unwrap_or_else(|e| panic!("catalog query failed: {e}\n{sql}"))
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect()
    };
    let user_ns = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'scratch_%' AND n.nspname NOT LIKE 'pg_temp%'";
    lines.extend(q(
        client,
        "SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'",
    ));
    lines.extend(q(client, &format!(
        "SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE {user_ns} AND n.nspname <> 'public'"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'table ' || n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'r' AND {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'sequence ' || n.nspname || '.' || c.relname || ': ' || format_type(s.seqtypid, NULL) \
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'sequence options ' || n.nspname || '.' || c.relname || ': start ' || s.seqstart \
                || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax \
                || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END \
                || coalesce((SELECT ' owned by ' || tn.nspname || '.' || tc.relname || '.' || a.attname \
                    FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid \
                    JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
                    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), '') \
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'comment sequence ' || n.nspname || '.' || c.relname || ': ' || d.description \
         FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE d.objsubid = 0 AND c.relkind = 'S' AND {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'column ' || n.nspname || '.' || c.relname || ' #' || a.attnum || ' ' || a.attname || ': ' \
                || format_type(a.atttypid, a.atttypmod) \
                || coalesce((SELECT ' COLLATE ' || co.collname FROM pg_collation co JOIN pg_type ty ON ty.oid = a.atttypid \
                    WHERE co.oid = a.attcollation AND a.attcollation <> ty.typcollation), '') \
                || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END \
                || CASE WHEN a.attgenerated = 's' THEN ' GENERATED AS ' || pg_get_expr(d.adbin, d.adrelid) \
                        WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END \
                || CASE a.attidentity WHEN 'a' THEN ' IDENTITY ALWAYS' WHEN 'd' THEN ' IDENTITY BY DEFAULT' ELSE '' END \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'constraint ' || n.nspname || '.' || c.relname || ' ' || k.conname || ': ' || pg_get_constraintdef(k.oid) \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'index ' || n.nspname || '.' || i.relname || ': ' || pg_get_indexdef(i.oid) \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace \
         WHERE {user_ns} AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'enum ' || n.nspname || '.' || t.typname || ': ' || string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid \
         WHERE {user_ns} GROUP BY n.nspname, t.typname"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'comment table ' || n.nspname || '.' || c.relname || ': ' || d.description \
         FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE d.objsubid = 0 AND c.relkind = 'r' AND {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'comment column ' || n.nspname || '.' || c.relname || '.' || a.attname || ': ' || d.description \
         FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE d.objsubid > 0 AND {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'comment type ' || n.nspname || '.' || t.typname || ': ' || d.description \
         FROM pg_description d JOIN pg_type t ON t.oid = d.objoid AND d.classoid = 'pg_type'::regclass \
         JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {user_ns}"
    )));
    lines.extend(q(
        client,
        &format!(
            "SELECT {VIEW_LINE} FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('v', 'm') AND {user_ns}"
        ),
    ));
    lines.extend(q(
        client,
        &format!(
            "SELECT {VIEW_COLUMN_LINE} FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('v', 'm') AND a.attnum > 0 AND {user_ns}"
        ),
    ));
    lines.extend(q(client, &format!(
        "SELECT 'comment view ' || n.nspname || '.' || c.relname || ': ' || d.description \
         FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE d.objsubid = 0 AND c.relkind IN ('v', 'm') AND {user_ns}"
    )));
    lines.extend(q(
        client,
        &format!("SELECT {FUNCTION_LINE} {FUNCTIONS} WHERE {user_ns} {NOT_EXTENSION}"),
    ));
    lines.extend(q(client, &format!(
        "SELECT 'comment function ' || n.nspname || '.' || p.proname || ': ' || d.description \
         FROM pg_description d JOIN pg_proc p ON p.oid = d.objoid AND d.classoid = 'pg_proc'::regclass \
         JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {user_ns} {NOT_EXTENSION}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'domain ' || n.nspname || '.' || t.typname || ': ' || format_type(t.typbasetype, t.typtypmod) \
                || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END \
                || coalesce(' DEFAULT ' || t.typdefault, '') \
                || coalesce((SELECT ' ' || string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), ', ' ORDER BY k.conname) \
                    FROM pg_constraint k WHERE k.contypid = t.oid), '') \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'trigger ' || n.nspname || '.' || c.relname || ': ' || pg_get_triggerdef(t.oid) \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT t.tgisinternal AND {user_ns}"
    )));
    lines.extend(q(client, &format!(
        "SELECT 'comment trigger ' || n.nspname || '.' || c.relname || '.' || t.tgname || ': ' || d.description \
         FROM pg_description d JOIN pg_trigger t ON t.oid = d.objoid AND d.classoid = 'pg_trigger'::regclass \
         JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {user_ns}"
    )));
    lines.sort();
    lines
}

/// A function or an aggregate as one line: its signature as PostgreSQL
/// prints it, its options, and its body with blank space collapsed.
const FUNCTION_LINE: &str = "'function ' || n.nspname || '.' || p.proname \
     || '(' || pg_get_function_arguments(p.oid) || ') ' \
     || CASE WHEN p.prokind = 'a' THEN 'aggregate sfunc ' || g.aggtransfn::regproc::text \
             || ' stype ' || format_type(g.aggtranstype, NULL) \
             || coalesce(' final ' || nullif(g.aggfinalfn::regproc::text, '-'), '') \
             || coalesce(' init ' || g.agginitval, '') \
        ELSE 'returns ' || pg_get_function_result(p.oid) || ' language ' || l.lanname \
             || ' volatility ' || p.provolatile::text \
             || CASE WHEN p.proisstrict THEN ' strict' ELSE '' END \
             || CASE WHEN p.prosecdef THEN ' security definer' ELSE '' END \
             || coalesce(' set ' || array_to_string(p.proconfig, ', '), '') \
             || ' body ' || regexp_replace(btrim(p.prosrc, E' \\n\\r\\t'), '\\s+', ' ', 'g') END";

/// The functions and aggregates with what their line reads.
const FUNCTIONS: &str = "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     JOIN pg_language l ON l.oid = p.prolang LEFT JOIN pg_aggregate g ON g.aggfnoid = p.oid";

/// An extension's functions are the extension's, not the schema's.
const NOT_EXTENSION: &str = "AND NOT EXISTS (SELECT 1 FROM pg_depend e \
     WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')";

/// A view as one line: kind, options and the query as PostgreSQL prints it.
const VIEW_LINE: &str = "CASE c.relkind WHEN 'm' THEN 'materialized view ' ELSE 'view ' END \
     || n.nspname || '.' || c.relname \
     || coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '') \
     || ': ' || pg_get_viewdef(c.oid)";

/// A view's column, its type as PostgreSQL binds it.
const VIEW_COLUMN_LINE: &str = "'view column ' || n.nspname || '.' || c.relname || ' #' || a.attnum \
     || ' ' || a.attname || ': ' || format_type(a.atttypid, a.atttypmod)";

/// Catalog lines without column positions, sorted: a column added back (a
/// re-created generated column) lands at the end, which is not a difference
/// that matters when comparing a migrated database with a fresh one (nor
/// in the order a view over the table lists it).
pub fn without_column_positions(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = lines
        .into_iter()
        .map(|l| {
            match (
                l.starts_with("column ") || l.starts_with("view column "),
                l.find(" #"),
            ) {
                (true, Some(i)) => {
                    let rest = &l[i + 2..];
                    let skip = rest.find(' ').unwrap_or(rest.len());
                    format!("{}{}", &l[..i], &rest[skip..])
                }
                // A view over `SELECT *` lists its table's columns in their
                // order: its query's lines, sorted, say the same without it.
                _ if l.starts_with("view ") || l.starts_with("materialized view ") => {
                    let mut parts: Vec<&str> =
                        l.lines().map(|p| p.trim().trim_end_matches(',')).collect();
                    parts.sort_unstable();
                    parts.join("\n")
                }
                _ => l,
            }
        })
        .collect();
    out.sort();
    out
}

/// The Postgres type name `format_type` reports for a model type.
fn format_type(schema: &Schema, ty: &ColumnType, client: &mut Client) -> String {
    let domain = ty.domain.as_ref().and_then(|k| k.split_once('.'));
    let base = match &ty.base {
        _ if domain.is_some() => {
            let (s, n) = domain.unwrap_or_default();
            visible_name(client, s, n)
        }
        BaseType::Text => "text".to_string(),
        BaseType::Varchar(None) => "character varying".into(),
        BaseType::Varchar(Some(n)) => format!("character varying({n})"),
        BaseType::Char(n) => format!("character({n})"),
        BaseType::Boolean => "boolean".into(),
        BaseType::SmallInt => "smallint".into(),
        BaseType::Integer | BaseType::Serial => "integer".into(),
        BaseType::BigInt | BaseType::BigSerial => "bigint".into(),
        BaseType::Real => "real".into(),
        BaseType::Double => "double precision".into(),
        BaseType::Numeric(None) => "numeric".into(),
        BaseType::Numeric(Some((p, s))) => format!("numeric({p},{})", s.unwrap_or(0)),
        BaseType::Date => "date".into(),
        BaseType::Time(p) => format!("time{} without time zone", precision(*p)),
        BaseType::Timestamp(p) => format!("timestamp{} without time zone", precision(*p)),
        BaseType::Timestamptz(p) => format!("timestamp{} with time zone", precision(*p)),
        BaseType::Interval => "interval".into(),
        BaseType::Uuid => "uuid".into(),
        BaseType::Json => "json".into(),
        BaseType::Jsonb => "jsonb".into(),
        BaseType::Bytea => "bytea".into(),
        BaseType::Inet => "inet".into(),
        BaseType::Citext => "citext".into(),
        BaseType::TsVector => "tsvector".into(),
        BaseType::Enum(name) => {
            let e = schema.enum_type(name).expect("enum in model");
            visible_name(client, &e.pg_schema, &e.sql_name)
        }
        BaseType::Id(name) => match schema.id_type(name).expect("id in model").storage {
            IdStorage::Uuid => "uuid".into(),
            IdStorage::Text => "text".into(),
        },
    };
    if ty.array { format!("{base}[]") } else { base }
}

/// How Postgres prints a name: quoted when needed, qualified when its schema is not on the search path.
fn visible_name(client: &mut Client, schema: &str, name: &str) -> String {
    let q = |client: &mut Client, s: &str| -> String {
        client
            .query_one("SELECT quote_ident($1)", &[&s])
            .expect("quote_ident")
            .get(0)
    };
    if schema == "public" {
        q(client, name)
    } else {
        format!("{}.{}", q(client, schema), q(client, name))
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn qual(schema: &str, name: &str) -> String {
    format!("{}.{}", quote(schema), quote(name))
}

/// Runs `sql` and returns the first column of the one row.
fn one(client: &mut Client, sql: &str) -> String {
    client
        .query_one(sql, &[])
        .unwrap_or_else(|e| panic!("normalising query failed: {e}\n{sql}"))
        .get(0)
}

fn exec(client: &mut Client, sql: &str) {
    client
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("normalising statement failed: {e}\n{sql}"));
}

/// The catalog lines `schema` should produce, with expressions normalised by
/// Postgres on scratch tables. Expects the real tables to exist (the scratch
/// copies are made with LIKE) and removes its scratch schemas afterwards.
pub fn expected(client: &mut Client, schema: &Schema) -> Vec<String> {
    let mut lines = Vec::new();
    for e in &schema.extensions {
        lines.push(format!("extension {e}"));
    }
    for s in &schema.pg_schemas {
        lines.push(format!("schema {s}"));
    }
    for e in &schema.enums {
        let labels: Vec<String> = e
            .values
            .iter()
            .map(|v| format!("'{}'", v.replace('\'', "''")))
            .collect();
        lines.push(format!(
            "enum {}.{}: {}",
            e.pg_schema,
            e.sql_name,
            labels.join(", ")
        ));
        if let Some(c) = &e.comment {
            lines.push(format!("comment type {}.{}: {c}", e.pg_schema, e.sql_name));
        }
    }
    let scratch_schemas: std::collections::BTreeSet<String> = schema
        .tables
        .iter()
        .map(|t| format!("scratch_{}", t.pg_schema))
        .collect();
    for s in &scratch_schemas {
        exec(
            client,
            &format!("DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s}"),
        );
    }
    for t in &schema.tables {
        table_lines(client, schema, t, &mut lines);
    }
    for s in &scratch_schemas {
        exec(client, &format!("DROP SCHEMA {s} CASCADE"));
    }
    exec(
        client,
        "DROP SCHEMA IF EXISTS scratch_views CASCADE; CREATE SCHEMA scratch_views",
    );
    for v in &schema.views {
        view_lines(client, v, &mut lines);
    }
    exec(client, "DROP SCHEMA scratch_views CASCADE");
    exec(
        client,
        "DROP SCHEMA IF EXISTS scratch_functions CASCADE; CREATE SCHEMA scratch_functions",
    );
    for f in &schema.functions {
        function_lines(client, f, &mut lines);
    }
    exec(client, "DROP SCHEMA scratch_functions CASCADE");
    lines.sort();
    lines
}

/// Adds a column defined by `definition` to the scratch table and returns its
/// default or generation expression as Postgres prints it.
fn column_expr(client: &mut Client, scratch_table: &str, definition: &str) -> String {
    exec(
        client,
        &format!("ALTER TABLE {scratch_table} ADD COLUMN zz_probe {definition}"),
    );
    let e = one(
        client,
        &format!(
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d \
             JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum \
             WHERE d.adrelid = '{scratch_table}'::regclass AND a.attname = 'zz_probe'"
        ),
    );
    exec(
        client,
        &format!("ALTER TABLE {scratch_table} DROP COLUMN zz_probe"),
    );
    e
}

/// A function's lines: the model's function created under another schema
/// by the generator's DDL, read back with the catalog's functions, and
/// named as the real function.
fn function_lines(
    client: &mut Client,
    f: &schemac_schema::model::Function,
    lines: &mut Vec<String>,
) {
    let mut scratch = f.clone();
    scratch.pg_schema = "scratch_functions".into();
    scratch.comment = None;
    for statement in schemac::ddl::create_function(&scratch, false) {
        exec(client, &statement);
    }
    let line = one(
        client,
        &format!(
            "SELECT {FUNCTION_LINE} {FUNCTIONS} WHERE n.nspname = 'scratch_functions' AND p.proname = '{}'",
            f.name.replace('\'', "''")
        ),
    );
    lines.push(line.replacen(
        "function scratch_functions.",
        &format!("function {}.", f.pg_schema),
        1,
    ));
    if let Some(c) = &f.comment {
        lines.push(format!("comment function {}.{}: {c}", f.pg_schema, f.name));
    }
}

/// A view's lines: the model's query created under another schema, read
/// back with the catalog's functions (so as PostgreSQL prints it), and
/// named as the real view.
fn view_lines(client: &mut Client, v: &View, lines: &mut Vec<String>) {
    let scratch = format!("scratch_views.{}", quote(&v.name));
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let mut options = Vec::new();
    if v.security_barrier {
        options.push("security_barrier = true".to_string());
    }
    match v.check_option {
        Some(CheckOption::Local) => options.push("check_option = local".into()),
        Some(CheckOption::Cascaded) => options.push("check_option = cascaded".into()),
        None => {}
    }
    let with = match options.is_empty() {
        true => String::new(),
        false => format!(" WITH ({})", options.join(", ")),
    };
    // A materialized view's rows are not part of its definition.
    let no_data = if v.materialized { " WITH NO DATA" } else { "" };
    exec(
        client,
        &format!("CREATE {kind} {scratch}{with} AS {}{no_data}", v.sql),
    );
    let real = format!("{}.{}", v.pg_schema, v.name);
    let rename = |line: String| line.replacen(&format!("scratch_views.{}", v.name), &real, 1);
    let of_scratch = format!(
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = '{scratch}'::regclass"
    );
    lines.push(rename(one(
        client,
        &format!("SELECT {VIEW_LINE} {of_scratch}"),
    )));
    let columns: Vec<String> = client
        .query(
            &format!(
                "SELECT {VIEW_COLUMN_LINE} FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.oid = '{scratch}'::regclass AND a.attnum > 0"
            ),
            &[],
        )
        .unwrap_or_else(|e| panic!("view columns: {e}"))
        .iter()
        .map(|r| rename(r.get(0)))
        .collect();
    lines.extend(columns);
    for i in &v.indexes {
        let keys: Vec<String> = i
            .keys
            .iter()
            .map(|k| match (&k.column, &k.expression) {
                (Some(c), _) => quote(c),
                (None, Some(e)) => format!("({e})"),
                (None, None) => String::new(),
            })
            .collect();
        let unique = if i.unique { "UNIQUE " } else { "" };
        exec(
            client,
            &format!(
                "CREATE {unique}INDEX {} ON {scratch} USING {} ({})",
                quote(&i.name),
                i.method,
                keys.join(", ")
            ),
        );
        let def = one(
            client,
            &format!(
                "SELECT pg_get_indexdef(i.oid) FROM pg_class i JOIN pg_namespace n ON n.oid = i.relnamespace \
                 WHERE n.nspname = 'scratch_views' AND i.relname = '{}'",
                i.name.replace('\'', "''")
            ),
        );
        lines.push(format!(
            "index {}.{}: {}",
            v.pg_schema,
            i.name,
            def.replacen(&format!("scratch_views.{}", v.name), &real, 1)
        ));
    }
    if let Some(c) = &v.comment {
        lines.push(format!("comment view {real}: {c}"));
    }
}

fn table_lines(client: &mut Client, schema: &Schema, t: &Table, lines: &mut Vec<String>) {
    let full = format!("{}.{}", t.pg_schema, t.name);
    let scratch = format!("scratch_{}", t.pg_schema);
    let scratch_table = format!("{scratch}.{}", quote(&t.name));
    exec(
        client,
        &format!(
            "CREATE TABLE {scratch_table} (LIKE {})",
            qual(&t.pg_schema, &t.name)
        ),
    );
    lines.push(format!("table {full}"));
    if let Some(c) = &t.comment {
        lines.push(format!("comment table {full}: {c}"));
    }
    let pk_cols: Vec<&String> = t.primary_key.iter().flat_map(|p| &p.columns).collect();
    for (i, c) in t.columns.iter().enumerate() {
        let ty = format_type(schema, &c.ty, client);
        let mut line = format!("column {full} #{} {}: {ty}", i + 1, c.name);
        if let Some(coll) = &c.collation {
            line.push_str(&format!(" COLLATE {coll}"));
        }
        if !c.nullable || pk_cols.contains(&&c.name) {
            line.push_str(" NOT NULL");
        }
        if let Some(g) = &c.generated {
            let e = column_expr(
                client,
                &scratch_table,
                &format!("{ty} GENERATED ALWAYS AS ({g}) STORED"),
            );
            line.push_str(&format!(" GENERATED AS {e}"));
        } else if c.ty.base.is_serial() {
            let seq = format!("{}_{}_seq", t.name, c.name);
            let seq = if t.pg_schema == "public" {
                seq
            } else {
                format!("{}.{seq}", t.pg_schema)
            };
            line.push_str(&format!(" DEFAULT nextval('{seq}'::regclass)"));
        } else if let Some(d) = &c.default {
            let e = column_expr(client, &scratch_table, &format!("{ty} DEFAULT {}", d.sql()));
            line.push_str(&format!(" DEFAULT {e}"));
        }
        if c.ty.base.is_serial() || c.identity.is_some() {
            let seq_type = match c.ty.base {
                BaseType::SmallInt => "smallint",
                BaseType::Integer | BaseType::Serial => "integer",
                _ => "bigint",
            };
            lines.push(format!(
                "sequence {}.{}_{}_seq: {seq_type}",
                t.pg_schema, t.name, c.name
            ));
            let max = match seq_type {
                "smallint" => i64::from(i16::MAX),
                "integer" => i64::from(i32::MAX),
                _ => i64::MAX,
            };
            // An ascending identity's defaults; the schema's options over them.
            let o = c.identity_options.as_deref().cloned().unwrap_or_default();
            let min = o.min_value.unwrap_or(1);
            lines.push(format!(
                "sequence options {}.{}_{}_seq: start {} increment {} min {min} max {} cache {}{} owned by {}.{}.{}",
                t.pg_schema,
                t.name,
                c.name,
                o.start.unwrap_or(min),
                o.increment.unwrap_or(1),
                o.max_value.unwrap_or(max),
                o.cache.unwrap_or(1),
                if o.cycle { " cycle" } else { "" },
                t.pg_schema,
                t.name,
                c.name
            ));
        }
        match c.identity {
            Some(Identity::Always) => line.push_str(" IDENTITY ALWAYS"),
            Some(Identity::ByDefault) => line.push_str(" IDENTITY BY DEFAULT"),
            None => {}
        }
        lines.push(line);
        if let Some(comment) = &c.comment {
            lines.push(format!("comment column {full}.{}: {comment}", c.name));
        }
    }
    let idents = |client: &mut Client, cols: &[String]| -> String {
        cols.iter()
            .map(|c| {
                client
                    .query_one("SELECT quote_ident($1)", &[c])
                    .expect("quote_ident")
                    .get::<_, String>(0)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(pk) = &t.primary_key {
        let cols = idents(client, &pk.columns);
        lines.push(format!(
            "constraint {full} {}: PRIMARY KEY ({cols})",
            pk.name
        ));
    }
    for u in &t.uniques {
        let cols = idents(client, &u.columns);
        let nnd = if u.nulls_not_distinct {
            "NULLS NOT DISTINCT "
        } else {
            ""
        };
        lines.push(format!(
            "constraint {full} {}: UNIQUE {nnd}({cols})",
            u.name
        ));
    }
    for fk in &t.foreign_keys {
        let cols = idents(client, &fk.columns);
        let ref_cols = idents(client, &fk.ref_columns);
        let target = visible_name(client, &fk.ref_schema, &fk.ref_table);
        let mut def = format!("FOREIGN KEY ({cols}) REFERENCES {target}({ref_cols})");
        if fk.on_update != FkAction::NoAction {
            def.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
        }
        if fk.on_delete != FkAction::NoAction {
            def.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
        }
        match fk.deferrable {
            Deferrable::No => {}
            Deferrable::Deferrable => def.push_str(" DEFERRABLE"),
            Deferrable::InitiallyDeferred => def.push_str(" DEFERRABLE INITIALLY DEFERRED"),
        }
        lines.push(format!("constraint {full} {}: {def}", fk.name));
    }
    for (i, ck) in t.checks.iter().enumerate() {
        let tmp = format!("zz_check_{i}");
        exec(
            client,
            &format!(
                "ALTER TABLE {scratch_table} ADD CONSTRAINT {tmp} CHECK ({})",
                ck.expr
            ),
        );
        let def = one(
            client,
            &format!(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '{scratch_table}'::regclass AND conname = '{tmp}'"
            ),
        );
        lines.push(format!("constraint {full} {}: {def}", ck.name));
    }
    for ix in &t.indexes {
        let keys: Vec<String> = ix
            .keys
            .iter()
            .map(|k| {
                let mut s = match (&k.column, &k.expression) {
                    (Some(c), _) => quote(c),
                    (_, Some(e)) => format!("({e})"),
                    _ => String::new(),
                };
                if let Some(o) = &k.opclass {
                    s += &format!(" {o}");
                }
                if k.order == Some(SortOrder::Desc) {
                    s += " DESC";
                }
                match k.nulls {
                    Some(NullsOrder::First) => s += " NULLS FIRST",
                    Some(NullsOrder::Last) => s += " NULLS LAST",
                    None => {}
                }
                s
            })
            .collect();
        let mut ddl = format!(
            "CREATE {}INDEX {} ON {scratch_table} USING {} ({})",
            if ix.unique { "UNIQUE " } else { "" },
            quote(&ix.name),
            ix.method,
            keys.join(", ")
        );
        if !ix.include.is_empty() {
            let inc: Vec<String> = ix.include.iter().map(|c| quote(c)).collect();
            ddl += &format!(" INCLUDE ({})", inc.join(", "));
        }
        if ix.nulls_not_distinct {
            ddl += " NULLS NOT DISTINCT";
        }
        if let Some(p) = &ix.predicate {
            ddl += &format!(" WHERE ({p})");
        }
        exec(client, &ddl);
        let def = one(
            client,
            &format!(
                "SELECT pg_get_indexdef(i.oid) FROM pg_class i JOIN pg_namespace n ON n.oid = i.relnamespace \
             WHERE n.nspname = '{scratch}' AND i.relname = '{}'",
                ix.name.replace('\'', "''")
            ),
        );
        let real_prefix = if t.pg_schema == "public" {
            "public.".to_string()
        } else {
            format!("{}.", t.pg_schema)
        };
        let def = def.replacen(&format!(" ON {scratch}."), &format!(" ON {real_prefix}"), 1);
        lines.push(format!("index {}.{}: {def}", t.pg_schema, ix.name));
    }
}

fn precision(p: Option<u32>) -> String {
    p.map(|p| format!("({p})")).unwrap_or_default()
}

/// The catalog with each column's position replaced by its rank among its
/// table's columns: a dropped column leaves a gap in PostgreSQL's numbers
/// that a database built afresh does not have, while the order is the same.
pub fn with_column_ranks(lines: Vec<String>) -> Vec<String> {
    let position = |l: &str| -> Option<(String, u32)> {
        let rest = l.strip_prefix("column ")?;
        let (table, tail) = rest.split_once(" #")?;
        let n = tail.split(' ').next()?.parse().ok()?;
        Some((table.to_string(), n))
    };
    let mut numbered: Vec<(String, u32)> = lines.iter().filter_map(|l| position(l)).collect();
    numbered.sort();
    let mut out: Vec<String> = lines
        .into_iter()
        .map(|l| match position(&l) {
            Some((table, n)) => {
                let rank = numbered
                    .iter()
                    .filter(|(t, m)| *t == table && *m <= n)
                    .count();
                l.replacen(&format!(" #{n} "), &format!(" #{rank} "), 1)
            }
            None => l,
        })
        .collect();
    out.sort();
    out
}
