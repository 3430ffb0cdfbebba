//! The data-loss guard and `schemac check`, through the binary.

use std::path::PathBuf;
use std::process::{Command, Output};

struct Project(PathBuf);

impl Project {
    fn new(label: &str, schema: &str) -> Project {
        let dir =
            std::env::temp_dir().join(format!("schemac-guard-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("schema")).unwrap();
        let p = Project(dir);
        p.schema(schema);
        p
    }

    fn schema(&self, text: &str) {
        std::fs::write(self.0.join("schema/app.yaml"), text).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_schemac"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap()
    }

    fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.0.join("migrations"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    fn path(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const BASE: &str = "enums:\n  role: [admin, member, guest]\ntables:\n  users:\n    columns:\n      id: { type: bigserial, primary_key: true }\n      email: text\n      age: bigint\n      role: role\n      score: integer\n      ratio: \"numeric(8,3)\"\n  posts:\n    columns:\n      id: { type: bigserial, primary_key: true }\n";

/// Each lossy edit of BASE, and what the refusal must say.
const LOSSY: &[(&str, &str, &str)] = &[
    (
        "drop_table",
        "  posts:\n    columns:\n      id: { type: bigserial, primary_key: true }\n",
        "drop table `posts` and every row in it (created by migration 0000_init)",
    ),
    (
        "drop_column",
        "      email: text\n",
        "drop column `users.email` and its data (created by migration 0000_init)",
    ),
    (
        "narrow",
        "      ratio: \"numeric(8,3)\"\n",
        "column `users.ratio` changes from numeric(8,3) to integer: fractions are rounded away",
    ),
    (
        "enum_value",
        "  role: [admin, member, guest]\n",
        "enum `role` loses value `guest`",
    ),
    (
        "generated",
        "      score: integer\n",
        "column `users.score` becomes generated",
    ),
    (
        "rename_without_hint",
        "      email: text\n",
        "if `mail` is `email` renamed, add `renamed_from: email` to it",
    ),
];

fn lossy_schema(kind: &str) -> String {
    let replacement = match kind {
        "drop_table" => (
            "  posts:\n    columns:\n      id: { type: bigserial, primary_key: true }\n",
            "",
        ),
        "drop_column" => ("      email: text\n", ""),
        "narrow" => ("      ratio: \"numeric(8,3)\"\n", "      ratio: integer\n"),
        "enum_value" => (
            "  role: [admin, member, guest]\n",
            "  role: [admin, member]\n",
        ),
        "generated" => (
            "      score: integer\n",
            "      score: { type: integer, generated: \"age::integer * 2\" }\n",
        ),
        _ => ("      email: text\n", "      mail: text\n"),
    };
    BASE.replacen(replacement.0, replacement.1, 1)
}

#[test]
fn every_lossy_change_is_refused_until_allowed() {
    for (kind, _, message) in LOSSY {
        let p = Project::new(kind, BASE);
        assert!(p.run(&["generate"]).status.success());
        let before = p.files();
        p.schema(&lossy_schema(kind));
        let out = p.run(&["generate"]);
        assert_eq!(out.status.code(), Some(1), "{kind}: {}", err(&out));
        let e = err(&out);
        assert!(e.contains(message), "{kind}: expected `{message}` in:\n{e}");
        assert!(e.contains("--allow-data-loss"), "{kind}: {e}");
        assert_eq!(p.files(), before, "{kind}: nothing may be written");
        let out = p.run(&["generate", "--allow-data-loss"]);
        assert!(out.status.success(), "{kind}: {}", err(&out));
        assert!(
            p.files().len() > before.len(),
            "{kind}: the migration is written when allowed"
        );
    }
}

#[test]
fn the_guard_names_the_schema_line_of_a_narrowed_column() {
    let p = Project::new("line", BASE);
    p.run(&["generate"]);
    p.schema(&lossy_schema("narrow"));
    let e = err(&p.run(&["generate"]));
    assert!(e.contains("(schema/app.yaml:11)"), "{e}");
}

#[test]
fn a_remap_or_a_rename_hint_keeps_the_data_and_passes() {
    let p = Project::new("hints", BASE);
    p.run(&["generate"]);
    p.schema(
        &BASE
            .replacen(
                "  role: [admin, member, guest]\n",
                "  role:\n    values: [admin, member]\n    remap: { guest: member }\n",
                1,
            )
            .replacen(
                "      email: text\n",
                "      mail: { type: text, renamed_from: email }\n",
                1,
            ),
    );
    let out = p.run(&["generate"]);
    assert!(out.status.success(), "{}", err(&out));
    let sql = std::fs::read_to_string(
        p.path("migrations/0001_rename_users_email_to_mail_alter_enum_role.sql"),
    )
    .unwrap();
    assert!(sql.contains("RENAME COLUMN \"email\" TO \"mail\""), "{sql}");
    assert!(sql.contains("WHEN 'guest' THEN 'member'"), "{sql}");
}

fn check(p: &Project) -> (bool, String) {
    let out = p.run(&["check"]);
    (
        out.status.success(),
        err(&out) + &String::from_utf8_lossy(&out.stdout),
    )
}

#[test]
fn check_fails_on_each_condition_and_passes_on_a_clean_tree() {
    let p = Project::new("check", BASE);
    p.run(&["generate"]);
    p.schema(&BASE.replacen(
        "      score: integer\n",
        "      score: integer\n      bio: text?\n",
        1,
    ));
    p.run(&["generate"]);
    let (ok, text) = check(&p);
    assert!(ok, "a clean tree passes: {text}");

    // 1. A schema change no migration covers.
    p.schema(&BASE.replacen(
        "      score: integer\n",
        "      score: integer\n      bio: text?\n      nick: text?\n",
        1,
    ));
    let (ok, text) = check(&p);
    assert!(
        !ok && text.contains("no migration covers") && text.contains("add column users.nick"),
        "{text}"
    );
    p.schema(&BASE.replacen(
        "      score: integer\n",
        "      score: integer\n      bio: text?\n",
        1,
    ));

    // 2. An edited migration, until it is re-recorded.
    let file = p.path("migrations/0001_add_bio_to_users.sql");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!(
            "{original}--> statement-breakpoint\nUPDATE \"public\".\"users\" SET \"bio\" = '';\n"
        ),
    )
    .unwrap();
    let (ok, text) = check(&p);
    assert!(
        !ok && text.contains("0001_add_bio_to_users.sql differs from the hash in the journal"),
        "{text}"
    );
    let out = p.run(&["generate", "--rehash"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("re-recorded 0001_add_bio_to_users: 0001_add_bio_to_users.sql")
    );
    assert!(
        std::fs::read_to_string(p.path("migrations/meta/_journal.json"))
            .unwrap()
            .contains("\"edited\": true")
    );
    assert!(check(&p).0, "passes once re-recorded");
    // A CRLF checkout is not an edit.
    std::fs::write(
        &file,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace('\n', "\r\n"),
    )
    .unwrap();
    assert!(check(&p).0, "CRLF line endings hash the same");

    // 3. A broken chain: another branch's migration 0001 merged beside ours.
    std::fs::write(
        p.path("migrations/0001_add_users_nick.sql"),
        "ALTER TABLE users ADD COLUMN nick text;\n",
    )
    .unwrap();
    let (ok, text) = check(&p);
    assert!(
        !ok && text.contains(
            "migrations 0001_add_bio_to_users and 0001_add_users_nick share the number 0001"
        ) && text.contains("schemac rebase")
            && !text.contains("--rehash"),
        "a collision is named as one, not as an edit: {text}"
    );
    std::fs::remove_file(p.path("migrations/0001_add_users_nick.sql")).unwrap();
    let journal = p.path("migrations/meta/_journal.json");
    let j = std::fs::read_to_string(&journal).unwrap();
    let broken = j.replacen(
        "\"prev_snapshot_sha256\": \"",
        "\"prev_snapshot_sha256\": \"0",
        1,
    );
    std::fs::write(&journal, broken).unwrap();
    let (ok, text) = check(&p);
    assert!(!ok && text.contains("migration chain broken"), "{text}");
    std::fs::write(&journal, j).unwrap();
    assert!(check(&p).0);
}

#[test]
fn check_fails_when_the_generated_rust_is_stale() {
    let p = Project::new("check-rust", BASE);
    std::fs::write(p.path("schemac.toml"), "[codegen]\nout = \"src/db\"\n").unwrap();
    p.run(&["generate"]);
    assert!(p.path("src/db/users.rs").exists());
    let (ok, text) = check(&p);
    assert!(ok, "fresh code passes: {text}");

    let users = p.path("src/db/users.rs");
    let original = std::fs::read_to_string(&users).unwrap();
    std::fs::write(&users, original.replace("const GET:", "const GOT:")).unwrap();
    let (ok, text) = check(&p);
    assert!(
        !ok && text.contains("generated Rust is out of date: src/db/users.rs differs"),
        "{text}"
    );
    std::fs::write(&users, &original).unwrap();

    std::fs::write(
        p.path("src/db/gone.rs"),
        "//! Generated by schemac from an old schema.\n",
    )
    .unwrap();
    let (ok, text) = check(&p);
    assert!(
        !ok && text.contains("src/db/gone.rs belongs to no table any more"),
        "{text}"
    );
    p.run(&["generate"]);
    assert!(!p.path("src/db/gone.rs").exists(), "generate removes it");
    assert!(check(&p).0);
}

#[test]
fn custom_migrations_are_recorded_and_diff_shows_pending_changes() {
    let p = Project::new("custom", BASE);
    p.run(&["generate"]);
    let out = p.run(&["generate", "--custom", "fix_emails"]);
    assert!(out.status.success(), "{}", err(&out));
    assert!(p.path("migrations/0001_fix_emails.sql").exists());
    let j = std::fs::read_to_string(p.path("migrations/meta/_journal.json")).unwrap();
    assert!(j.contains("\"custom\": true"), "{j}");
    assert!(check(&p).0, "a custom migration keeps the chain whole");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("then run `schemac generate` to record it"),
        "the way on is named"
    );

    // Filled in: not an edit, and the next generate records it.
    std::fs::write(
        p.path("migrations/0001_fix_emails.sql"),
        "UPDATE users SET email = lower(email);\n",
    )
    .unwrap();
    let (ok, text) = check(&p);
    assert!(
        !ok && text
            .contains("0001_fix_emails.sql was filled in after `generate --custom` wrote it")
            && !text.contains("--rehash"),
        "{text}"
    );
    let out = p.run(&["generate"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("main: recorded the hand-written SQL of 0001_fix_emails in the journal")
            && stdout.contains("main: no schema changes since 0001_fix_emails\n"),
        "{stdout}"
    );
    assert!(check(&p).0, "recorded");
    // Once recorded, a change to it is an edit again.
    std::fs::write(
        p.path("migrations/0001_fix_emails.sql"),
        "UPDATE users SET email = upper(email);\n",
    )
    .unwrap();
    let (ok, text) = check(&p);
    assert!(
        !ok && text.contains("0001_fix_emails.sql differs from the hash"),
        "{text}"
    );
    std::fs::write(
        p.path("migrations/0001_fix_emails.sql"),
        "UPDATE users SET email = lower(email);\n",
    )
    .unwrap();

    p.schema(&BASE.replacen(
        "      score: integer\n",
        "      score: integer\n      bio: text?\n",
        1,
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_schemac"))
        .args(["diff"])
        .current_dir(&p.0)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("+ add column users.bio"), "{text}");
    assert!(
        text.contains("ALTER TABLE \"public\".\"users\" ADD COLUMN \"bio\" text"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no colour when NO_COLOR is set or output is not a terminal"
    );
    let out = p.run(&["diff", "0000", "0001_fix_emails"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no changes"));
}

#[test]
fn codegen_deserialize_makes_rows_deserialize() {
    let p = Project::new("codegen-deserialize", BASE);
    std::fs::write(
        p.path("schemac.toml"),
        "[codegen]\nout = \"src/db\"\ndeserialize = true\n",
    )
    .unwrap();
    p.run(&["generate"]);
    let users = std::fs::read_to_string(p.path("src/db/users.rs")).unwrap();
    assert!(
        users.contains("::schemac_runtime::serde::Deserialize"),
        "{users}"
    );
}
