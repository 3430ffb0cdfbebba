//! The four shapes of diesel's benchmark suite (diesel_bench), run on the
//! same tables and rows by schemac's generated code, raw tokio-postgres,
//! sqlx, SeaORM and diesel-async: a trivial query (every user), a medium one
//! (users of one hair colour left-joined with their posts), loading
//! associations (users, their posts, the posts' comments) and inserting
//! users. Each contender has one connection and runs one operation at a
//! time; each figure is the median latency of many operations.

mod peers;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use schemac_runtime::tokio_postgres::{self, NoTls, Statement};
use schemac_runtime::{PoolConfig, ReadWritePool, SslMode};
use sea_orm::{ColumnTrait, EntityTrait, LoaderTrait, QueryFilter};

use self::peers::{dsl, sea, sqlx_rows};
use crate::Settings;
use crate::harness::{Side, Unit, Variant, compare, latency};
use crate::schema::{comments, posts, queries, users};

const ALL_USERS: &str = "SELECT id, name, hair_color FROM users";
const USERS_WITH_POSTS: &str = "SELECT u.id, u.name, u.hair_color, p.id AS post_id, p.user_id, p.title, p.body \
     FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = $1";
const POSTS_OF: &str = "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)";
const COMMENTS_OF: &str = "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)";
/// The same, in the order schemac's loaders promise (each key's rows in
/// primary-key order).
const POSTS_OF_ORDERED: &str =
    "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1) ORDER BY id";
const COMMENTS_OF_ORDERED: &str =
    "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1) ORDER BY id";
const INSERT_USERS: &str =
    "INSERT INTO users (name, hair_color) SELECT * FROM UNNEST($1::text[], $2::text[])";

/// One connection (or a pool of one) per contender.
struct Contenders {
    schemac: ReadWritePool,
    raw: tokio_postgres::Client,
    sqlx: sqlx::PgPool,
    sea: sea_orm::DatabaseConnection,
    diesel: tokio::sync::Mutex<AsyncPgConnection>,
}

/// Users, each with its posts, each with its comments.
type Nested<U, P, C> = Vec<(U, Vec<(P, Vec<C>)>)>;

/// An operation: it returns how many rows it read or wrote, so that the
/// contenders can be checked to do the same work before they are timed.
type Op<'a> = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = usize> + 'a>> + 'a>;

fn op<'a, F, Fut>(f: F) -> Op<'a>
where
    F: Fn() -> Fut + 'a,
    Fut: Future<Output = usize> + 'a,
{
    Rc::new(move || Box::pin(f()))
}

/// Runs the four shapes at their sizes and prints, after each shape's
/// tables, one line per size: schemac's figure against the fastest other.
pub async fn run(s: &Settings, only: &str) {
    let wants = |shape: &str| only.is_empty() || only == shape;
    let url = s.url.as_str();
    let (raw, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    // SeaORM runs on a sqlx pool of its own.
    let sea = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(sqlx_pool(url).await);
    let sqlx = sqlx_pool(url).await;
    let diesel = AsyncPgConnection::establish(url)
        .await
        .expect("diesel-async connection");
    let c = Contenders {
        schemac: ReadWritePool::read_write(
            PoolConfig::new(url).ssl_mode(SslMode::Disable).max_size(1),
        )
        .expect("pool"),
        raw,
        sqlx,
        sea,
        diesel: tokio::sync::Mutex::new(diesel),
    };
    let mut summary = Vec::new();
    for size in [1, 10, 100, 1_000, 10_000]
        .into_iter()
        .filter(|_| wants("trivial"))
    {
        fill(&c.raw, size, 0, 0).await;
        summary.push(measure(s, "trivial: every user", size, trivial(&c).await).await);
    }
    for size in [1, 10, 100, 1_000].into_iter().filter(|_| wants("medium")) {
        fill(&c.raw, size, 1, 0).await;
        summary.push(
            measure(
                s,
                "medium: users of a colour ⟕ posts",
                size,
                medium(&c).await,
            )
            .await,
        );
    }
    for size in [1, 10, 100].into_iter().filter(|_| wants("associations")) {
        fill(&c.raw, size, 10, 10).await;
        summary.push(
            measure(
                s,
                "associations: users → posts → comments",
                size,
                associations(&c).await,
            )
            .await,
        );
    }
    for size in [1, 10, 100, 1_000, 4_000, 10_000]
        .into_iter()
        .filter(|_| wants("insert"))
    {
        fill(&c.raw, 0, 0, 0).await;
        summary.push(measure(s, "insert: new users", size, insert(&c, size).await).await);
    }
    println!(
        "\n## diesel_bench shapes: schemac against the fastest other (µs, above 1: schemac is faster)"
    );
    for line in summary {
        println!("{line}");
    }
}

async fn sqlx_pool(url: &str) -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .test_before_acquire(false)
        .connect(&format!("{url}?sslmode=disable"))
        .await
        .expect("sqlx pool")
}

/// Checks that every contender does the same work, then times them.
async fn measure(
    s: &Settings,
    shape: &str,
    size: usize,
    ops: Vec<(&'static str, Side, Op<'_>)>,
) -> String {
    let mut expected = None;
    for (name, _, op) in &ops {
        let n = op().await;
        match expected {
            None => expected = Some(n),
            Some(e) => assert_eq!(
                n, e,
                "{shape}, {size}: {name} saw {n} rows, the first contender {e}"
            ),
        }
    }
    let iterations = (20_000 / (size + 10)).clamp(10, 500);
    let variants = ops
        .into_iter()
        .map(|(name, side, op)| Variant {
            name,
            side,
            run: Box::new(move || {
                let op = op.clone();
                Box::pin(async move {
                    1e3 * latency(iterations, || {
                        let op = op.clone();
                        async move {
                            std::hint::black_box(op().await);
                        }
                    })
                    .await
                })
            }),
        })
        .collect();
    let title = format!("{shape}, {size}");
    let outcome = compare(&title, Unit::Micros, s.rounds, variants).await;
    let ours = outcome
        .medians
        .iter()
        .filter(|(n, _)| n.starts_with("schemac"))
        .map(|(_, m)| *m)
        .fold(f64::INFINITY, f64::min);
    let (fastest, theirs) = outcome
        .medians
        .iter()
        .filter(|(n, _)| !n.starts_with("schemac"))
        .fold(("", f64::INFINITY), |best, (n, m)| {
            if *m < best.1 { (n, *m) } else { best }
        });
    format!(
        "  {title:<48} schemac {ours:>9.1}  fastest other {theirs:>9.1} ({fastest})  {:.2}×",
        outcome.against_fastest.unwrap_or(f64::NAN)
    )
}

/// `users` users (every second one's hair black, the others' brown), each
/// with `posts` posts, each with `comments` comments; the tables emptied first.
async fn fill(raw: &tokio_postgres::Client, users: usize, posts: usize, comments: usize) {
    raw.batch_execute(&format!(
        "TRUNCATE users, posts, comments RESTART IDENTITY;
         INSERT INTO users (name, hair_color)
           SELECT 'User ' || i, CASE WHEN i % 2 = 0 THEN 'black' ELSE 'brown' END
           FROM generate_series(1, {users}) AS i;
         INSERT INTO posts (user_id, title, body)
           SELECT u, 'Post ' || p || ' by user ' || u, CASE WHEN p % 2 = 0 THEN 'body' END
           FROM generate_series(1, {users}) AS u, generate_series(1, {posts}) AS p;
         INSERT INTO comments (post_id, text)
           SELECT p, 'Comment ' || c || ' on post ' || p
           FROM generate_series(1, {users} * {posts}) AS p, generate_series(1, {comments}) AS c;"
    ))
    .await
    .expect("fill");
    // One at a time: several statements in one string run as one
    // transaction, which VACUUM refuses.
    for table in ["users", "posts", "comments"] {
        raw.batch_execute(&format!("VACUUM ANALYZE {table}"))
            .await
            .expect("vacuum");
    }
}

async fn prepare(raw: &tokio_postgres::Client, sql: &str) -> Statement {
    raw.prepare(sql).await.expect("prepare")
}

fn raw_user(r: &tokio_postgres::Row) -> sqlx_rows::User {
    sqlx_rows::User {
        id: r.get(0),
        name: r.get(1),
        hair_color: r.get(2),
    }
}

async fn trivial(c: &Contenders) -> Vec<(&'static str, Side, Op<'_>)> {
    let all = prepare(&c.raw, ALL_USERS).await;
    vec![
        (
            "schemac queries::all_users",
            Side::Schemac,
            op(move || async move { queries::all_users(&c.schemac).await.expect("schemac").len() }),
        ),
        (
            "raw: prepared, rows into structs",
            Side::Raw,
            op(move || {
                let all = all.clone();
                async move {
                    let rows = c.raw.query(&all, &[]).await.expect("raw");
                    rows.iter().map(raw_user).collect::<Vec<_>>().len()
                }
            }),
        ),
        (
            "sqlx query_as",
            Side::Sqlx,
            op(move || async move {
                sqlx::query_as::<_, sqlx_rows::User>(ALL_USERS)
                    .fetch_all(&c.sqlx)
                    .await
                    .expect("sqlx")
                    .len()
            }),
        ),
        (
            "SeaORM Entity::find().all",
            Side::SeaOrm,
            op(move || async move {
                sea::user::Entity::find()
                    .all(&c.sea)
                    .await
                    .expect("sea")
                    .len()
            }),
        ),
        (
            "diesel-async users.load",
            Side::Diesel,
            op(move || async move {
                let mut conn = c.diesel.lock().await;
                dsl::users::table
                    .select(dsl::User::as_select())
                    .load(&mut *conn)
                    .await
                    .expect("diesel")
                    .len()
            }),
        ),
    ]
}

async fn medium(c: &Contenders) -> Vec<(&'static str, Side, Op<'_>)> {
    let joined = prepare(&c.raw, USERS_WITH_POSTS).await;
    vec![
        (
            "schemac queries::users_with_posts",
            Side::Schemac,
            op(move || async move {
                queries::users_with_posts(&c.schemac, "black")
                    .await
                    .expect("schemac")
                    .len()
            }),
        ),
        (
            "raw: prepared, rows into structs",
            Side::Raw,
            op(move || {
                let joined = joined.clone();
                async move {
                    let rows = c.raw.query(&joined, &[&"black"]).await.expect("raw");
                    rows.iter()
                        .map(|r| sqlx_rows::UserPost {
                            id: r.get(0),
                            name: r.get(1),
                            hair_color: r.get(2),
                            post_id: r.get(3),
                            user_id: r.get(4),
                            title: r.get(5),
                            body: r.get(6),
                        })
                        .collect::<Vec<_>>()
                        .len()
                }
            }),
        ),
        (
            "sqlx query_as",
            Side::Sqlx,
            op(move || async move {
                sqlx::query_as::<_, sqlx_rows::UserPost>(USERS_WITH_POSTS)
                    .bind("black")
                    .fetch_all(&c.sqlx)
                    .await
                    .expect("sqlx")
                    .len()
            }),
        ),
        (
            "SeaORM find_also_related",
            Side::SeaOrm,
            op(move || async move {
                sea::user::Entity::find()
                    .find_also_related(sea::post::Entity)
                    .filter(sea::user::Column::HairColor.eq("black"))
                    .all(&c.sea)
                    .await
                    .expect("sea")
                    .len()
            }),
        ),
        (
            "diesel-async left_join",
            Side::Diesel,
            op(move || async move {
                let mut conn = c.diesel.lock().await;
                dsl::users::table
                    .left_join(dsl::posts::table)
                    .filter(dsl::users::hair_color.eq("black"))
                    .select((dsl::User::as_select(), Option::<dsl::Post>::as_select()))
                    .load::<(dsl::User, Option<dsl::Post>)>(&mut *conn)
                    .await
                    .expect("diesel")
                    .len()
            }),
        ),
    ]
}

/// Users with their posts with their comments, as each contender nests them;
/// the count is of every row loaded.
async fn associations(c: &Contenders) -> Vec<(&'static str, Side, Op<'_>)> {
    let (all, posts_of, comments_of) = (
        prepare(&c.raw, ALL_USERS).await,
        prepare(&c.raw, POSTS_OF).await,
        prepare(&c.raw, COMMENTS_OF).await,
    );
    let (posts_ordered, comments_ordered) = (
        prepare(&c.raw, POSTS_OF_ORDERED).await,
        prepare(&c.raw, COMMENTS_OF_ORDERED).await,
    );
    vec![
        (
            "schemac all_users + by_user_id.many + by_post_id.many",
            Side::Schemac,
            op(move || async move {
                let db = &c.schemac;
                let users = queries::all_users(db).await.expect("users");
                let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
                let mut posts = posts::by_user_id.many(db, &ids).await.expect("posts");
                let post_ids: Vec<i32> = posts.values().flatten().map(|p| p.id).collect();
                let mut comments = comments::by_post_id
                    .many(db, &post_ids)
                    .await
                    .expect("comments");
                let nested: Nested<users::User, posts::Post, comments::Comment> = users
                    .into_iter()
                    .map(|u| {
                        let of_user = posts.remove(&u.id).unwrap_or_default();
                        let with_comments = of_user
                            .into_iter()
                            .map(|p| {
                                let cs = comments.remove(&p.id).unwrap_or_default();
                                (p, cs)
                            })
                            .collect();
                        (u, with_comments)
                    })
                    .collect();
                count_nested(&nested)
            }),
        ),
        (
            "raw: prepared, = ANY($1), grouped",
            Side::Raw,
            raw_associations(c, all.clone(), posts_of, comments_of),
        ),
        (
            "raw: the same, ORDER BY id as schemac's loaders",
            Side::Raw,
            raw_associations(c, all, posts_ordered, comments_ordered),
        ),
        (
            "sqlx query_as, = ANY($1), grouped",
            Side::Sqlx,
            op(move || async move {
                let users = sqlx::query_as::<_, sqlx_rows::User>(ALL_USERS)
                    .fetch_all(&c.sqlx)
                    .await
                    .expect("users");
                let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
                let posts = sqlx::query_as::<_, sqlx_rows::Post>(POSTS_OF)
                    .bind(&ids)
                    .fetch_all(&c.sqlx)
                    .await
                    .expect("posts");
                let post_ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
                let comments = sqlx::query_as::<_, sqlx_rows::Comment>(COMMENTS_OF)
                    .bind(&post_ids)
                    .fetch_all(&c.sqlx)
                    .await
                    .expect("comments");
                count_nested(&group(users, posts, comments))
            }),
        ),
        (
            "SeaORM find().all + load_many ×2",
            Side::SeaOrm,
            op(move || async move {
                let users = sea::user::Entity::find().all(&c.sea).await.expect("users");
                let posts = users
                    .load_many(sea::post::Entity, &c.sea)
                    .await
                    .expect("posts");
                let flat: Vec<sea::post::Model> = posts.iter().flatten().cloned().collect();
                let comments = flat
                    .load_many(sea::comment::Entity, &c.sea)
                    .await
                    .expect("comments");
                let mut comments = comments.into_iter();
                let nested: Vec<_> = users
                    .into_iter()
                    .zip(posts)
                    .map(|(u, ps)| {
                        let with: Vec<_> = ps
                            .into_iter()
                            .map(|p| (p, comments.next().unwrap_or_default()))
                            .collect();
                        (u, with)
                    })
                    .collect();
                count_nested(&nested)
            }),
        ),
        (
            "diesel-async belonging_to + grouped_by",
            Side::Diesel,
            op(move || async move {
                let mut conn = c.diesel.lock().await;
                let users = dsl::users::table
                    .select(dsl::User::as_select())
                    .load(&mut *conn)
                    .await
                    .expect("users");
                let posts = dsl::Post::belonging_to(&users)
                    .select(dsl::Post::as_select())
                    .load(&mut *conn)
                    .await
                    .expect("posts");
                let comments = dsl::Comment::belonging_to(&posts)
                    .select(dsl::Comment::as_select())
                    .load(&mut *conn)
                    .await
                    .expect("comments");
                let comments = comments.grouped_by(&posts);
                let posts: Vec<Vec<(dsl::Post, Vec<dsl::Comment>)>> =
                    posts.into_iter().zip(comments).grouped_by(&users);
                let nested: Vec<_> = users.into_iter().zip(posts).collect();
                count_nested(&nested)
            }),
        ),
    ]
}

/// Users, their posts and the posts' comments in three prepared statements,
/// grouped by hand.
fn raw_associations(
    c: &Contenders,
    all: Statement,
    posts_of: Statement,
    comments_of: Statement,
) -> Op<'_> {
    op(move || {
        let (all, posts_of, comments_of) = (all.clone(), posts_of.clone(), comments_of.clone());
        async move {
            let users: Vec<sqlx_rows::User> = c
                .raw
                .query(&all, &[])
                .await
                .expect("users")
                .iter()
                .map(raw_user)
                .collect();
            let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
            let posts: Vec<sqlx_rows::Post> = c
                .raw
                .query(&posts_of, &[&ids])
                .await
                .expect("posts")
                .iter()
                .map(|r| sqlx_rows::Post {
                    id: r.get(0),
                    user_id: r.get(1),
                    title: r.get(2),
                    body: r.get(3),
                })
                .collect();
            let post_ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
            let comments: Vec<sqlx_rows::Comment> = c
                .raw
                .query(&comments_of, &[&post_ids])
                .await
                .expect("comments")
                .iter()
                .map(|r| sqlx_rows::Comment {
                    id: r.get(0),
                    post_id: r.get(1),
                    text: r.get(2),
                })
                .collect();
            count_nested(&group(users, posts, comments))
        }
    })
}

/// Posts and comments grouped under their user and post by hand.
fn group(
    users: Vec<sqlx_rows::User>,
    posts: Vec<sqlx_rows::Post>,
    comments: Vec<sqlx_rows::Comment>,
) -> Nested<sqlx_rows::User, sqlx_rows::Post, sqlx_rows::Comment> {
    let mut by_post: HashMap<i32, Vec<sqlx_rows::Comment>> = HashMap::new();
    for comment in comments {
        by_post.entry(comment.post_id).or_default().push(comment);
    }
    let mut by_user: HashMap<i32, Vec<(sqlx_rows::Post, Vec<sqlx_rows::Comment>)>> = HashMap::new();
    for post in posts {
        let cs = by_post.remove(&post.id).unwrap_or_default();
        by_user.entry(post.user_id).or_default().push((post, cs));
    }
    users
        .into_iter()
        .map(|u| {
            let ps = by_user.remove(&u.id).unwrap_or_default();
            (u, ps)
        })
        .collect()
}

fn count_nested<U, P, C>(nested: &Nested<U, P, C>) -> usize {
    nested
        .iter()
        .map(|(_, ps)| 1 + ps.iter().map(|(_, cs)| 1 + cs.len()).sum::<usize>())
        .sum()
}

/// `size` new users in one statement (or one COPY) per operation.
async fn insert(c: &Contenders, size: usize) -> Vec<(&'static str, Side, Op<'_>)> {
    let names: Rc<Vec<String>> = Rc::new((0..size).map(|i| format!("New user {i}")).collect());
    let unnest = prepare(&c.raw, INSERT_USERS).await;
    let (n1, n2, n3, n4, n5) = (
        names.clone(),
        names.clone(),
        names.clone(),
        names.clone(),
        names,
    );
    vec![
        (
            "schemac users::table.insert_many",
            Side::Schemac,
            op(move || {
                let names = n1.clone();
                async move {
                    let rows: Vec<users::NewUser> = names
                        .iter()
                        .map(|n| users::NewUser {
                            hair_color: Some("green".into()),
                            ..users::NewUser::new(n.as_str())
                        })
                        .collect();
                    users::table
                        .insert_many(&c.schemac, &rows)
                        .await
                        .expect("schemac") as usize
                }
            }),
        ),
        (
            "raw: prepared INSERT ... UNNEST",
            Side::Raw,
            op(move || {
                let (names, unnest) = (n2.clone(), unnest.clone());
                async move {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    let colours = vec!["green"; names.len()];
                    c.raw
                        .execute(&unnest, &[&names, &colours])
                        .await
                        .expect("raw") as usize
                }
            }),
        ),
        (
            "sqlx QueryBuilder::push_values",
            Side::Sqlx,
            op(move || {
                let names = n3.clone();
                async move {
                    let mut query =
                        sqlx::QueryBuilder::new("INSERT INTO users (name, hair_color) ");
                    query.push_values(names.iter(), |mut b, name| {
                        b.push_bind(name.as_str()).push_bind("green");
                    });
                    query
                        .build()
                        .execute(&c.sqlx)
                        .await
                        .expect("sqlx")
                        .rows_affected() as usize
                }
            }),
        ),
        (
            "SeaORM insert_many",
            Side::SeaOrm,
            op(move || {
                let names = n4.clone();
                async move {
                    use sea_orm::ActiveValue::Set;
                    let models = names.iter().map(|n| sea::user::ActiveModel {
                        name: Set(n.clone()),
                        hair_color: Set(Some("green".into())),
                        ..Default::default()
                    });
                    sea::user::Entity::insert_many(models)
                        .exec_without_returning(&c.sea)
                        .await
                        .expect("sea") as usize
                }
            }),
        ),
        (
            "diesel-async insert_into(..).values(&[..])",
            Side::Diesel,
            op(move || {
                let names = n5.clone();
                async move {
                    let rows: Vec<dsl::NewUser<'_>> = names
                        .iter()
                        .map(|n| dsl::NewUser {
                            name: n,
                            hair_color: Some("green"),
                        })
                        .collect();
                    let mut conn = c.diesel.lock().await;
                    diesel::insert_into(dsl::users::table)
                        .values(&rows)
                        .execute(&mut *conn)
                        .await
                        .expect("diesel")
                }
            }),
        ),
    ]
}
