//! Views' rows typed through the binary against the real PostgreSQL: each
//! view's own query prepared on the scratch database the named queries
//! use, its columns locked beside theirs, and a module of code per view.

mod support;

use support::{Db, Project};

const SCHEMA: &str = "\
ids:
  OrgId: { prefix: org }
enums:
  role: [admin, member]
tables:
  orgs:
    columns:
      id: { type: OrgId, primary_key: true }
      name: text
  members:
    columns:
      org_id: { references: orgs }
      email: { type: text, sensitive: true }
      role: { type: role, default: member }
      left_at: timestamptz?
    primary_key: [org_id, email]
views:
  live_members:
    sql: SELECT m.org_id, m.email, m.role, o.name AS org FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.left_at IS NULL
    key: [org_id, email]
  admins:
    sql: SELECT org_id, email, upper(org) AS shouting FROM live_members WHERE role = 'admin'
  org_sizes:
    materialized: true
    sql: SELECT o.id, count(m.email) AS members FROM orgs o LEFT JOIN members m ON m.org_id = o.id GROUP BY o.id
    not_null: [members]
";

fn project(label: &str, schema: &str) -> Project {
    let p = Project::with_schema(label, schema);
    p.write(
        "schemac.toml",
        &format!("{}\n[codegen]\nout = \"src/db\"\n", support::CONFIG),
    );
    p
}

fn squeezed(text: &str) -> String {
    text.split_whitespace().collect()
}

#[test]
fn views_are_typed_by_postgres_locked_and_get_a_module_each() {
    let p = project("views-typed", SCHEMA);
    let db = Db::create("views_typed");
    let out = p.run(Some(&db), &["generate"]).success();
    assert!(
        out.stdout
            .contains("main: typed 3 views with PostgreSQL: queries/queries.lock.json"),
        "{}",
        out.stdout
    );
    let live = squeezed(&p.read("src/db/live_members.rs"));
    for expected in [
        // From the tables: the ID type, the enum, the sensitive wrapper,
        // NOT NULL through an inner join.
        "pub org_id: super::ids::OrgId,",
        "pub email: ::schemac_runtime::Sensitive<::std::string::String>,",
        "pub role: super::enums::Role,",
        "pub org: ::std::string::String,",
        // A key of two columns: `get` takes both, a page's `after` a pair.
        "pub async fn get(db: &impl ::schemac_runtime::Read, org_id: &super::ids::OrgId, email: &str,)",
        "after: ::core::option::Option<(&super::ids::OrgId, &str)>",
        r#"WHERE ("org_id", "email") > ($1, $2) ORDER BY "org_id", "email" LIMIT $3"#,
    ] {
        assert!(
            live.contains(&squeezed(expected)),
            "live_members.rs lacks {expected:?}:\n{live}"
        );
    }
    assert!(!live.contains("refresh"), "a plain view has no refresh");
    // A view over a view keeps the types the first one was given; what it
    // computes may be NULL.
    let admins = squeezed(&p.read("src/db/admins.rs"));
    for expected in [
        "pub org_id: super::ids::OrgId,",
        "pub email: ::schemac_runtime::Sensitive<::std::string::String>,",
        "pub shouting: ::core::option::Option<::std::string::String>,",
    ] {
        assert!(
            admins.contains(&squeezed(expected)),
            "admins.rs lacks {expected:?}:\n{admins}"
        );
    }
    assert!(!admins.contains("pub async fn get"), "no key, no get");
    let sizes = squeezed(&p.read("src/db/org_sizes.rs"));
    assert!(sizes.contains(&squeezed("pub members: i64,")), "{sizes}");
    assert!(sizes.contains("pubasyncfnrefresh("), "{sizes}");
    let module = p.read("src/db/mod.rs");
    for m in [
        "pub mod live_members;",
        "pub mod admins;",
        "pub mod org_sizes;",
    ] {
        assert!(module.contains(m), "{module}");
    }
    // Fresh: check passes, and generate types nothing again.
    p.run(Some(&db), &["check"]).success();
    let again = p.run(Some(&db), &["generate"]).success();
    assert!(!again.stdout.contains("typed"), "{}", again.stdout);
    // A changed view is typed again; check says so before generate runs.
    let changed = SCHEMA.replace("upper(org) AS shouting", "org AS shouting");
    p.write("schema/app.yaml", &changed);
    let stale = p.run(Some(&db), &["check"]);
    assert!(!stale.ok(), "check passes a stale lock:\n{}", stale.stdout);
    p.run(Some(&db), &["generate"]).success();
    let admins = squeezed(&p.read("src/db/admins.rs"));
    assert!(
        admins.contains(&squeezed("pub shouting: ::std::string::String,")),
        "{admins}"
    );
    p.run(Some(&db), &["check"]).success();
    // The views gone: so are their modules and the lock.
    let without = &SCHEMA[..SCHEMA.find("views:").expect("views")];
    p.write("schema/app.yaml", without);
    let out = p.run(Some(&db), &["generate"]).success();
    assert!(
        out.stdout
            .contains("no queries, views or typed functions any more"),
        "{}",
        out.stdout
    );
    assert!(!p.path("queries/queries.lock.json").exists());
    assert!(!p.path("src/db/live_members.rs").exists());
}

#[test]
fn a_key_the_view_does_not_return_is_refused_and_nothing_is_written() {
    let schema = SCHEMA.replace("\n    key: [org_id, email]", "\n    key: [org_id, mail]");
    let p = project("views-bad-key", &schema);
    let db = Db::create("views_bad_key");
    let out = p.run(Some(&db), &["generate"]);
    assert!(!out.ok(), "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "view `public.live_members`: its `key` names `mail`, which the view does not return (it returns `org_id`, `email`, `role`, `org`)"
        ),
        "{}",
        out.stderr
    );
    assert!(!p.path("migrations").exists(), "nothing is written");
    assert!(!p.path("src/db").exists(), "nothing is written");
}

const FUNCTIONS: &str = "\
functions:
  org_count:
    returns: bigint
    language: sql
    volatility: stable
    body: SELECT count(*) FROM orgs
    rust: true
  orgs_named:
    args: [pattern text]
    returns: SETOF orgs
    language: sql
    volatility: stable
    body: SELECT * FROM orgs WHERE name LIKE pattern ORDER BY name
    rust: true
  member_stats:
    args: [org OrgIdPlaceholder, OUT members bigint, OUT admins bigint]
    returns: record
    language: sql
    volatility: stable
    body: SELECT count(*), count(*) FILTER (WHERE role = 'admin') FROM members WHERE org_id = org
    rust: true
  roles:
    returns: TABLE (role role, n bigint)
    language: sql
    volatility: stable
    body: SELECT role, count(*) FROM members GROUP BY role ORDER BY role
    rust: true
  forget:
    args: [p_email text]
    returns: void
    language: sql
    body: DELETE FROM members WHERE email = p_email
    rust: true
  untyped:
    returns: integer
    language: sql
    body: SELECT 1
";

#[test]
fn functions_marked_rust_are_typed_by_their_shape() {
    let schema = format!(
        "{}{}",
        &SCHEMA[..SCHEMA.find("views:").expect("views")],
        FUNCTIONS.replace("OrgIdPlaceholder", "uuid")
    );
    let p = project("functions-typed", &schema);
    let db = Db::create("functions_typed");
    let out = p.run(Some(&db), &["generate"]).success();
    assert!(
        out.stdout
            .contains("main: typed 5 functions with PostgreSQL: queries/queries.lock.json"),
        "{}",
        out.stdout
    );
    let code = squeezed(&p.read("src/db/functions.rs"));
    for expected in [
        // A value, which a function may return NULL for; STABLE only reads.
        "pub async fn org_count(db: &impl ::schemac_runtime::Read,) -> ::core::result::Result<::core::option::Option<i64>, ::schemac_runtime::Error>",
        // SETOF a table: the table's struct.
        "pub async fn orgs_named(db: &impl ::schemac_runtime::Read, pattern: &str,) -> ::core::result::Result<::std::vec::Vec<super::orgs::Org>,",
        // OUT parameters: one row of them.
        "pub struct MemberStatsRow { pub members: ::core::option::Option<i64>, pub admins: ::core::option::Option<i64>, }",
        "pub async fn member_stats(db: &impl ::schemac_runtime::Read, org: &::schemac_runtime::uuid::Uuid,) -> ::core::result::Result<MemberStatsRow,",
        "table: \"function public.member_stats\",",
        // RETURNS TABLE: rows, the enum read as the schema's enum.
        "pub role: ::core::option::Option<super::enums::Role>,",
        "-> ::core::result::Result<::std::vec::Vec<RolesRow>,",
        // void, and VOLATILE: it may write.
        "pub async fn forget(db: &impl ::schemac_runtime::Write, p_email: &str,) -> ::core::result::Result<(), ::schemac_runtime::Error>",
    ] {
        assert!(
            code.contains(&squeezed(expected)),
            "functions.rs lacks {expected:?}:\n{code}"
        );
    }
    assert!(
        !code.contains("untyped"),
        "a function without `rust: true` has no call"
    );
    assert!(p.read("src/db/mod.rs").contains("pub mod functions;"));
    p.run(Some(&db), &["check"]).success();
    // Taken off: its call goes, the lock with it.
    let off = schema.replace("    rust: true\n", "");
    p.write("schema/app.yaml", &off);
    p.run(Some(&db), &["generate"]).success();
    assert!(!p.path("src/db/functions.rs").exists());
    assert!(!p.path("queries/queries.lock.json").exists());
}

#[test]
fn a_function_postgresql_cannot_type_a_call_of_is_refused() {
    let schema = format!(
        "{}functions:\n  first_of:\n    args: [a anyelement]\n    returns: anyelement\n    language: sql\n    body: SELECT a\n    rust: true\n",
        &SCHEMA[..SCHEMA.find("views:").expect("views")],
    );
    let p = project("functions-polymorphic", &schema);
    let db = Db::create("functions_polymorphic");
    let out = p.run(Some(&db), &["generate"]);
    assert!(!out.ok(), "{}", out.stdout);
    assert!(
        out.stderr.contains("function `public.first_of`: "),
        "{}",
        out.stderr
    );
    assert!(!p.path("migrations").exists(), "nothing is written");
}

#[test]
fn without_rust_code_views_need_no_server() {
    // No `[codegen]`: the project has no Rust code, so nothing is typed
    // and `generate` needs no database (SCHEMAC_NO_THROWAWAY: none at all).
    let p = Project::with_schema("views-no-codegen", SCHEMA);
    let out = p.run_without_server(&["generate"]).success();
    assert!(!out.stdout.contains("typed"), "{}", out.stdout);
    assert!(!p.path("queries/queries.lock.json").exists());
    p.run_without_server(&["check"]).success();
}
