//! The generated code of the gifting example's views and functions, run
//! against PostgreSQL on filled tables: a view's row as PostgreSQL typed
//! it, `list`, `get` and keyset pages by its `key:`, a materialized view's
//! stored rows changed only by `refresh`, plainly and concurrently; and the
//! functions marked `rust: true`, called with typed arguments.

use schemac_generated::gifting::{category_prices, functions, gift_listings};
use schemac_runtime::{PoolConfig, Read, ReadWritePool, Write};
use schemac_tests::{TestDb, repo_root, tokio_runtime};

/// A category's row of the price summary, its prices as text.
type Summary = (i32, String, i64, Option<String>, Option<String>);

fn gifting_db(label: &str) -> TestDb {
    TestDb::with_init(&repo_root().join("generated/gifting/migrations"), label)
}

async fn fill(pool: &ReadWritePool) {
    pool.execute(
        "INSERT INTO gift_categories (id, name) VALUES (1, 'Uncategorised'), (2, 'Toys'), (3, 'Books')",
        &[],
    )
    .await
    .expect("categories");
    for (category, name, price) in [
        (2, "Teddy bear", "30.00"),
        (2, "Plush teddy", "12.50"),
        (3, "A book about bears", "20.00"),
    ] {
        pool.execute(
            "INSERT INTO gifts (category_id, name, price) VALUES ($1, $2, $3::text::numeric)",
            &[&category, &name, &price],
        )
        .await
        .expect("gift");
    }
}

#[test]
fn a_view_is_listed_found_by_its_key_and_paged_in_key_order() {
    let db = gifting_db("objects_code_listings");
    tokio_runtime().block_on(async {
        let pool = ReadWritePool::read_write(PoolConfig::new(db.url.clone())).expect("pool");
        fill(&pool).await;
        let all = gift_listings::list(&pool).await.expect("list");
        let mut by_hand: Vec<(schemac_runtime::uuid::Uuid, String, String)> = pool
            .query(
                "SELECT g.id, g.name, c.name FROM gifts g JOIN gift_categories c ON c.id = g.category_id ORDER BY g.id",
                &[],
            )
            .await
            .expect("by hand")
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        by_hand.sort();
        // Typed from the tables: `id` is the gifts' uuid, `category` a
        // NOT NULL varchar read through an inner join, so no `Option`.
        let listed: Vec<(schemac_runtime::uuid::Uuid, String, String)> = all
            .iter()
            .map(|g| (g.id, g.name.clone(), g.category.clone()))
            .collect();
        assert_eq!(listed, by_hand, "list is every row, in key order");
        let teddy = all.iter().find(|g| g.name == "Teddy bear").expect("teddy");
        assert_eq!(teddy.price.to_string(), "30.00");
        assert_eq!(teddy.currency, "EUR");
        let found = gift_listings::get(&pool, &teddy.id).await.expect("get");
        assert_eq!(found.as_ref(), Some(teddy));
        let none = gift_listings::get(&pool, &schemac_runtime::uuid::Uuid::nil()).await.expect("get");
        assert_eq!(none, None);
        // Pages of two: every row once, in key order.
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let page = gift_listings::page(&pool, after.as_ref(), 2)
                .await
                .expect("page");
            assert!(page.len() <= 2);
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            paged.extend(page.into_iter().map(|g| g.id));
        }
        assert_eq!(paged, by_hand.iter().map(|g| g.0).collect::<Vec<_>>());
    });
}

#[test]
fn a_materialized_view_shows_what_its_last_refresh_stored() {
    let db = gifting_db("objects_code_refresh");
    tokio_runtime().block_on(async {
        let pool = ReadWritePool::read_write(PoolConfig::new(db.url.clone())).expect("pool");
        // Filled after the migration: the view holds what it held then.
        fill(&pool).await;
        assert_eq!(category_prices::list(&pool).await.expect("list"), []);
        category_prices::refresh(&pool, false)
            .await
            .expect("refresh");
        let shown = |rows: Vec<category_prices::CategoryPrice>| -> Vec<Summary> {
            rows.into_iter()
                .map(|r| {
                    (
                        r.category_id,
                        r.category,
                        r.gifts,
                        r.lowest.map(|p| p.to_string()),
                        r.highest.map(|p| p.to_string()),
                    )
                })
                .collect()
        };
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            shown(category_prices::list(&pool).await.expect("list")),
            [
                (1, "Uncategorised".to_owned(), 0, None, None),
                (2, "Toys".to_owned(), 2, some("12.50"), some("30.00")),
                (3, "Books".to_owned(), 1, some("20.00"), some("20.00")),
            ]
        );
        pool.execute(
            "INSERT INTO gifts (category_id, name, price) VALUES (1, 'Mystery box', 5)",
            &[],
        )
        .await
        .expect("gift");
        let before = category_prices::get(&pool, &1).await.expect("get");
        assert_eq!(before.map(|r| r.gifts), Some(0), "not refreshed yet");
        // Concurrently: the view's unique index allows it.
        category_prices::refresh(&pool, true)
            .await
            .expect("refresh concurrently");
        let after = category_prices::get(&pool, &1).await.expect("get");
        assert_eq!(
            after.map(|r| (r.gifts, r.lowest.map(|p| p.to_string()))),
            Some((1, some("5.00")))
        );
        let page = category_prices::page(&pool, Some(&1), 1)
            .await
            .expect("page");
        assert_eq!(page.iter().map(|r| r.category_id).collect::<Vec<_>>(), [2]);
    });
}

#[test]
fn a_function_marked_rust_is_called_with_typed_arguments() {
    let db = gifting_db("objects_code_functions");
    tokio_runtime().block_on(async {
        let pool = ReadWritePool::read_write(PoolConfig::new(db.url.clone())).expect("pool");
        fill(&pool).await;
        let decimal = |s: &str| {
            s.parse::<schemac_runtime::rust_decimal::Decimal>()
                .expect("decimal")
        };
        // `RETURNS SETOF gifts`: the table's own struct, in the function's order.
        let found = functions::gifts_between(&pool, &decimal("12"), &decimal("25"))
            .await
            .expect("gifts_between");
        assert_eq!(
            found.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
            ["Plush teddy", "A book about bears"]
        );
        assert_eq!(found[0].price, decimal("12.50"));
        // A value: what the function returns, which may be NULL.
        let toys = functions::category_gift_count(&pool, &2)
            .await
            .expect("count");
        assert_eq!(toys, Some(2));
        let none = functions::category_gift_count(&pool, &99)
            .await
            .expect("count");
        assert_eq!(none, Some(0));
    });
}
