use super::*;
use schemac_schema::{Diagnostics, SourceMap, compile_sources};

fn schema() -> Schema {
    let yaml = "tables:\n  users:\n    columns:\n      id: { type: uuid, primary_key: true }\n      role: text\n      org_id: uuid\n  posts:\n    columns:\n      id: { type: uuid, primary_key: true }\n      user_id: { type: uuid, references: users }\n      title: text\n  orders:\n    columns:\n      id: { type: uuid, primary_key: true }\n      user_id: uuid?\n";
    let compiled = compile_sources(
        vec![("main".into(), vec![("a.yaml".into(), yaml.into())])],
        SourceMap::new(),
        Diagnostics::new(),
    );
    assert!(!compiled.has_errors(), "{}", compiled.render_diagnostics());
    compiled.schemas.into_iter().next().expect("one schema")
}

fn columns(sql: &str) -> Vec<(usize, String, bool)> {
    read(sql, &schema())
        .expect("parses")
        .params
        .into_iter()
        .map(|(n, p)| (n, format!("{}.{}", p.table, p.column), p.array))
        .collect()
}

fn col(n: usize, c: &str, array: bool) -> (usize, String, bool) {
    (n, c.to_owned(), array)
}

#[test]
fn parameters_take_the_column_they_meet() {
    assert_eq!(
        columns("UPDATE users SET role = 'admin' WHERE id = $1"),
        [col(1, "users.id", false)]
    );
    assert_eq!(
        columns("SELECT * FROM posts WHERE user_id = ANY($1) AND $2 <> title"),
        [col(1, "posts.user_id", true), col(2, "posts.title", false)]
    );
    assert_eq!(
        columns("INSERT INTO posts (title, user_id) VALUES ($1, $2), ($3, $2)"),
        [
            col(1, "posts.title", false),
            col(2, "posts.user_id", false),
            col(3, "posts.title", false)
        ]
    );
    assert_eq!(
        columns("INSERT INTO users VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET role = $2"),
        [
            col(1, "users.id", false),
            col(2, "users.role", false),
            col(3, "users.org_id", false)
        ]
    );
    assert_eq!(
        columns(
            "SELECT p.title FROM posts p JOIN users u ON u.id = p.user_id WHERE u.org_id IN ($1, $2)"
        ),
        [col(1, "users.org_id", false), col(2, "users.org_id", false)]
    );
    // `id` in the subquery is the users' column: the inner scope first.
    assert_eq!(
        columns("SELECT * FROM posts WHERE user_id IN (SELECT id FROM users WHERE id = $1)"),
        [col(1, "users.id", false)]
    );
    assert_eq!(
        columns("SELECT * FROM users WHERE (org_id, id) < ($1, $2)"),
        [col(1, "users.org_id", false), col(2, "users.id", false)]
    );
    // Ambiguous, cast, or used against two columns: left to PostgreSQL.
    assert_eq!(columns("SELECT * FROM posts, users WHERE id = $1"), []);
    assert_eq!(columns("SELECT * FROM users WHERE id = $1::uuid"), []);
    assert_eq!(
        columns("SELECT * FROM posts WHERE id = $1 OR user_id = $1"),
        []
    );
    assert_eq!(
        columns("DELETE FROM orders o USING users u WHERE u.id = o.user_id AND u.role = $1"),
        [col(1, "users.role", false)]
    );
}

#[test]
fn outer_joins_extend_only_their_far_side() {
    let extended = |sql: &str| -> Vec<String> {
        read(sql, &schema())
            .expect("parses")
            .null_extended
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    };
    assert_eq!(
        extended("SELECT * FROM users u LEFT JOIN posts p ON p.user_id = u.id"),
        ["posts"]
    );
    assert_eq!(
        extended("SELECT * FROM users u RIGHT JOIN posts p ON p.user_id = u.id"),
        ["users"]
    );
    assert_eq!(
        extended("SELECT * FROM users u FULL JOIN posts p ON p.user_id = u.id"),
        ["posts", "users"]
    );
    assert_eq!(
        extended("SELECT * FROM users u JOIN posts p ON p.user_id = u.id"),
        Vec::<String>::new()
    );
    // Through a subquery and a CTE on the far side.
    assert_eq!(
        extended(
            "WITH o AS (SELECT * FROM orders) SELECT * FROM users u \
             LEFT JOIN (SELECT * FROM posts) p ON p.user_id = u.id LEFT JOIN o ON o.user_id = u.id"
        ),
        ["orders", "posts"]
    );
}

#[test]
fn what_writes_and_what_keeps_the_session() {
    let kind = |sql: &str| {
        let r = read(sql, &schema()).expect("parses");
        (r.writes, r.stateless)
    };
    assert_eq!(kind("SELECT 1"), (false, true));
    assert_eq!(
        kind("WITH x AS (DELETE FROM users RETURNING *) SELECT * FROM x"),
        (true, true)
    );
    assert_eq!(kind("select * from users for update"), (true, true));
    assert_eq!(kind("UPDATE users SET role = 'a'"), (true, true));
    assert_eq!(kind("SET search_path = x"), (true, false));
    // A word in a string or a name is not a statement.
    assert_eq!(
        kind("SELECT 'delete' AS for_update FROM users"),
        (false, true)
    );
    assert!(read("SELECT 'open", &schema()).is_err());
}
