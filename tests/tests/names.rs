//! examples/names: tables, columns, enums, values and IDs named after what
//! the generated code itself uses (prelude types, the runtime's items,
//! std's, keywords, the functions' own locals). That the crate builds and
//! passes clippy is checked by the workspace's build; here every table
//! writes a row and reads it back, through the functions whose parameters
//! and locals share a scope with the user's names.

use schemac_generated::names::{
    boxes, core as core_table, date_times, decimals, defaults, enums, enums_, errors, formatters,
    from_rows, hash_maps, ids, ids_, intos, ip_addrs, jsons, naive_date_times, options, orders,
    pages, params, pg_intervals, reads, results, rows, selves, sensitives, sqls, statement,
    std as std_table, strings, syncs, to_sqls, ulids, utcs, uuids, values, vecs, writes,
};
use schemac_generated::names::{functions_, self_ as self_view, r#type as type_view};
use schemac_runtime::{Order, PgInterval, PoolConfig, ReadWritePool, chrono, rust_decimal, uuid};
use schemac_tests::{TestDb, repo_root, tokio_runtime};

fn database() -> TestDb {
    TestDb::with_init(&repo_root().join("generated/names/migrations"), "names")
}

#[test]
fn every_table_named_like_the_generated_code_writes_and_reads_a_row() {
    let db = database();
    tokio_runtime().block_on(async {
        let pool = ReadWritePool::read_write(PoolConfig::new(db.url.clone())).expect("pool");

        // Columns named self, crate and super; an enum named option whose
        // values are Some, None, Ok, Err, Self, crate and super.
        let option = options::table
            .insert(
                &pool,
                &options::NewOption {
                    self_: "me".into(),
                    crate_: Some("crate".into()),
                    super_: None,
                    kind: enums_::Option::Self_,
                },
            )
            .await
            .expect("insert options");
        assert_eq!(option.super_, 0, "the default");
        assert_eq!(
            options::table
                .get(&pool, &option.id)
                .await
                .expect("get options"),
            Some(option.clone())
        );

        // An enum named result with ok, err, none, some, self, type, default.
        let all = enums_::Result::ALL.to_vec();
        let result = results::table
            .insert(&pool, &results::NewResult::new(option.id, all.clone()))
            .await
            .expect("insert results");
        assert_eq!(result.outcome, enums_::Result::Ok, "the default");
        assert_eq!(result.values, all);
        let by_option = results::by_option_id
            .list(&pool, &option.id)
            .await
            .expect("list_by_option_id");
        assert_eq!(by_option, vec![result.clone()]);
        let many = results::by_option_id
            .many(&pool, &[option.id])
            .await
            .expect("list_by_option_id_many");
        assert_eq!(many[&option.id], vec![result.clone()]);
        let page = results::by_option_id
            .page(&pool, &option.id, None, Order::Asc, 10)
            .await
            .expect("page_by_option_id");
        assert_eq!(page, vec![result.clone()]);

        // A view named type (its key a column named result, of the enum
        // named result), a view named self, functions named self (its
        // parameters db and rows) and option.
        let row = type_view::get(&pool, &option.id, &result.outcome)
            .await
            .expect("get type")
            .expect("the row");
        assert_eq!(
            (row.self_.as_str(), row.kind),
            ("me", enums_::Option::Self_)
        );
        assert_eq!(
            type_view::list(&pool).await.expect("list type"),
            vec![row.clone()]
        );
        let after = type_view::page(&pool, Some((&option.id, &result.outcome)), 10)
            .await
            .expect("page type");
        assert!(after.is_empty());
        assert!(self_view::list(&pool).await.expect("list self").is_empty());
        assert_eq!(
            functions_::self_(&pool, &2, &3).await.expect("self"),
            Some(5)
        );
        assert_eq!(
            functions_::option(&pool, &option.id).await.expect("option"),
            vec![option.clone()]
        );

        let string = strings::table
            .insert(
                &pool,
                &strings::NewString {
                    id: "s1".into(),
                    value: "v".into(),
                    string: Some("s".into()),
                },
            )
            .await
            .expect("insert strings");
        assert_eq!(
            strings::table
                .fetch(&pool, "s1")
                .await
                .expect("fetch strings"),
            string
        );

        let vec_row = vecs::table
            .insert(
                &pool,
                &vecs::NewVec {
                    vec: vec!["a".into(), "b".into()],
                    items: Some(vec![1, 2]),
                },
            )
            .await
            .expect("insert vecs");
        assert_eq!(vec_row.items, Some(vec![1, 2]));
        let written = vecs::table
            .insert_many(
                &pool,
                &[vecs::NewVec {
                    vec: vec!["c".into()],
                    items: None,
                }],
            )
            .await
            .expect("insert_many vecs");
        assert_eq!(written, 1);
        assert_eq!(vecs::table.count(&pool).await.expect("count vecs"), 2);

        let boxed = boxes::table
            .insert(
                &pool,
                &boxes::NewBox::new(serde_json::json!({"in": "side"})),
            )
            .await
            .expect("insert boxes");
        assert!(boxed.id.to_string().starts_with("box_"), "{}", boxed.id);
        assert_eq!(
            boxes::table.get(&pool, &boxed.id).await.expect("get boxes"),
            Some(boxed.clone())
        );
        let returned = boxes::table
            .insert_many_returning(
                &pool,
                &[boxes::NewBox {
                    id: Some(ids_::Box::new()),
                    contents: serde_json::json!([1]),
                }],
            )
            .await
            .expect("insert_many_returning boxes");
        assert_eq!(returned[0].contents, serde_json::json!([1]));

        let map = hash_maps::table
            .insert(
                &pool,
                &hash_maps::NewHashMap::new("k", vec!["a".to_owned()]),
            )
            .await
            .expect("insert hash_maps");
        assert_eq!(
            hash_maps::by_key.get(&pool, "k").await.expect("get_by_key"),
            Some(map.clone())
        );
        let upserted = hash_maps::by_key
            .upsert(
                &pool,
                &hash_maps::NewHashMap::new("k", vec!["b".to_owned()]),
            )
            .await
            .expect("upsert_by_key");
        assert_eq!((upserted.id, upserted.keys), (map.id, vec!["b".to_owned()]));

        let error = errors::table
            .insert(&pool, &errors::NewError::new("boom"))
            .await
            .expect("insert errors");
        assert_eq!(
            errors::table
                .fetch(&pool, &error.id)
                .await
                .expect("fetch errors"),
            error
        );

        // Columns named order, limit and after beside list's parameters.
        let order = orders::table
            .insert(
                &pool,
                &orders::NewOrder {
                    id: None,
                    total: rust_decimal::Decimal::new(1999, 2),
                    order: Some(3),
                    limit: Some(4),
                    after: Some("later".into()),
                    placed: None,
                    updated: None,
                },
            )
            .await
            .expect("insert orders");
        assert_eq!((order.order, order.limit), (3, Some(4)));
        let listed = orders::ordered_by_placed_id
            .list(&pool, None, Order::Desc, 5)
            .await
            .expect("list_ordered_by_placed_id");
        assert_eq!(listed, vec![order.clone()]);
        let changed = orders::table
            .update(
                &pool,
                &order.id,
                &orders::OrderPatch {
                    order: Some(9),
                    ..Default::default()
                },
            )
            .await
            .expect("update orders")
            .expect("the row");
        assert_eq!(changed.order, 9);

        // A column named db beside the executor.
        let read = reads::table
            .insert(&pool, &reads::NewRead::new(order.id, "main"))
            .await
            .expect("insert reads");
        assert_eq!(
            reads::by_order_id_ordered_by_id
                .page(&pool, &order.id, None, Order::Asc, 10)
                .await
                .expect("list_by_order_id_ordered_by_id"),
            vec![read.clone()]
        );

        // A primary key named db, columns named new and patch.
        let write = writes::table
            .insert(
                &pool,
                &writes::NewWrite {
                    db: 7,
                    new: "n".into(),
                    patch: None,
                },
            )
            .await
            .expect("insert writes");
        let patched = writes::table
            .update(
                &pool,
                &7,
                &writes::WritePatch {
                    patch: Some(Some("p".into())),
                    ..Default::default()
                },
            )
            .await
            .expect("update writes")
            .expect("the row");
        assert_eq!(patched.patch.as_deref(), Some("p"));
        assert_eq!(patched.new, write.new);
        assert!(
            writes::table
                .exists(&pool, &7)
                .await
                .expect("exists writes")
        );
        assert!(
            writes::table
                .delete(&pool, &7)
                .await
                .expect("delete writes")
        );

        let sql = sqls::table
            .insert(&pool, &sqls::NewSql::new("SELECT 1"))
            .await
            .expect("insert sqls");
        assert_eq!(
            sqls::table.get(&pool, &sql.id).await.expect("get sqls"),
            Some(sql)
        );

        let page_row = pages::table
            .insert(&pool, &pages::NewPage::new(1, 2))
            .await
            .expect("insert pages");
        assert_eq!(
            pages::table
                .list(&pool, Some(&0), Order::Asc, 1)
                .await
                .expect("list pages"),
            vec![page_row]
        );

        // A json column named columns, columns named changed and pairs.
        let row = rows::table
            .insert(
                &pool,
                &rows::NewRow {
                    read_id: read.id,
                    columns: serde_json::json!({"a": 1}),
                    changed: true,
                    pairs: None,
                },
            )
            .await
            .expect("insert rows");
        assert_eq!(row.columns, serde_json::json!({"a": 1}));
        assert_eq!(
            rows::by_read_id
                .get(&pool, &read.id)
                .await
                .expect("get_by_read_id"),
            Some(row.clone())
        );
        let by_read = rows::by_read_id
            .many(&pool, &[read.id])
            .await
            .expect("get_by_read_id_many");
        assert_eq!(by_read[&read.id], row);
        let upserted = rows::by_read_id
            .upsert(
                &pool,
                &rows::NewRow {
                    read_id: read.id,
                    columns: serde_json::json!({"a": 2}),
                    changed: false,
                    pairs: None,
                },
            )
            .await
            .expect("upsert_by_read_id");
        assert_eq!((upserted.id, upserted.changed), (row.id, false));

        let to_sql = to_sqls::table
            .insert(
                &pool,
                &to_sqls::NewToSql {
                    ip: Some("10.0.0.1".parse().expect("ip")),
                },
            )
            .await
            .expect("insert to_sqls");
        assert_eq!(
            to_sqls::table
                .get(&pool, &to_sql.id)
                .await
                .expect("get to_sqls"),
            Some(to_sql)
        );

        let from_row = from_rows::table
            .insert(&pool, &from_rows::NewFromRow::new("key"))
            .await
            .expect("insert from_rows");
        assert_eq!(
            from_rows::table
                .get(&pool, "key")
                .await
                .expect("get from_rows"),
            Some(from_row)
        );

        let json = jsons::table
            .insert(
                &pool,
                &jsons::NewJson {
                    json: serde_json::json!("j"),
                    value: Some(serde_json::json!({"v": true})),
                },
            )
            .await
            .expect("insert jsons");
        assert_eq!(json.value, Some(serde_json::json!({"v": true})));
        let json_patched = jsons::table
            .update(
                &pool,
                &json.id,
                &jsons::JsonPatch {
                    value: Some(None),
                    ..Default::default()
                },
            )
            .await
            .expect("update jsons")
            .expect("the row");
        assert_eq!(json_patched.value, None);

        let into = intos::table
            .insert(&pool, &intos::NewInto::new("x"))
            .await
            .expect("insert intos");
        assert_eq!(into.into, "x");

        let default = defaults::table
            .insert(&pool, &defaults::NewDefault::default())
            .await
            .expect("insert defaults");
        assert_eq!(default.default, "none");

        let formatter = formatters::table
            .insert(&pool, &formatters::NewFormatter::new("hunter2"))
            .await
            .expect("insert formatters");
        assert_eq!(formatter.secret.expose(), "hunter2");
        assert!(!format!("{formatter:?}").contains("hunter2"));

        let when = chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("a time");
        let naive = naive_date_times::table
            .insert(&pool, &naive_date_times::NewNaiveDateTime::new(when))
            .await
            .expect("insert naive_date_times");
        assert_eq!(naive.when, when);

        let id = uuid::Uuid::from_u128(42);
        let uuid_row = uuids::table
            .insert(&pool, &uuids::NewUuid::new(id))
            .await
            .expect("insert uuids");
        assert_eq!(
            uuids::table.get(&pool, &id).await.expect("get uuids"),
            Some(uuid_row)
        );

        let amount = rust_decimal::Decimal::new(5, 1);
        let decimal = decimals::table
            .insert(&pool, &decimals::NewDecimal::new(amount))
            .await
            .expect("insert decimals");
        assert_eq!(decimal.amount, amount);

        // The wrappers and types the generated code names in full.
        let sensitive = sensitives::table
            .insert(
                &pool,
                &sensitives::NewSensitive {
                    token: "t0ken".into(),
                    details: Some(serde_json::json!({"ip": "10.0.0.1"})),
                },
            )
            .await
            .expect("insert sensitives");
        assert_eq!(sensitive.token.expose(), "t0ken");
        let shown = format!("{sensitive:?}");
        assert!(
            !shown.contains("t0ken") && !shown.contains("10.0.0.1"),
            "{shown}"
        );
        let param = params::table
            .insert(&pool, &params::NewParam::new("p"))
            .await
            .expect("insert params");
        assert_eq!(
            params::table
                .get(&pool, &param.id)
                .await
                .expect("get params"),
            Some(param)
        );
        let sync = syncs::table
            .insert(&pool, &syncs::NewSync::default())
            .await
            .expect("insert syncs");
        assert_eq!(
            syncs::table.get(&pool, &sync.id).await.expect("get syncs"),
            Some(sync)
        );
        let value = values::table
            .insert(&pool, &values::NewValue::new(serde_json::json!(1)))
            .await
            .expect("insert values");
        assert_eq!(value.value, serde_json::json!(1));
        let span = PgInterval {
            months: 1,
            days: 2,
            microseconds: 3,
        };
        let ulid = ulids::table
            .insert(
                &pool,
                &ulids::NewUlid {
                    id: None,
                    span: Some(span),
                },
            )
            .await
            .expect("insert ulids");
        assert_eq!(
            ulids::table.get(&pool, &ulid.id).await.expect("get ulids"),
            Some(ulid)
        );
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("a time");
        let date_time = date_times::table
            .insert(&pool, &date_times::NewDateTime::new(now))
            .await
            .expect("insert date_times");
        assert_eq!(date_time.at, now);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("a day");
        let utc = utcs::table
            .insert(&pool, &utcs::NewUtc::new(day))
            .await
            .expect("insert utcs");
        assert_eq!(utc.day, day);
        let addr: std::net::IpAddr = "::1".parse().expect("ip");
        let ip = ip_addrs::table
            .insert(&pool, &ip_addrs::NewIpAddr::new(addr))
            .await
            .expect("insert ip_addrs");
        assert_eq!(ip.addr, addr);
        let interval = pg_intervals::table
            .insert(&pool, &pg_intervals::NewPgInterval::new(span))
            .await
            .expect("insert pg_intervals");
        assert_eq!(interval.span, span);
        let me = selves::table
            .insert(&pool, &selves::NewSelf::new("me"))
            .await
            .expect("insert selves");
        assert_eq!(
            selves::table
                .update(
                    &pool,
                    &me.id,
                    &selves::SelfPatch {
                        self_: Some("you".into())
                    }
                )
                .await
                .expect("update selves")
                .map(|s| s.self_),
            Some("you".to_owned())
        );

        // Tables named like the modules schemac writes beside them, which
        // give way (`enums_`, `ids_`).
        let kind = enums::table
            .insert(&pool, &enums::NewEnum::new(enums_::Result::Type))
            .await
            .expect("insert enums");
        assert_eq!(
            enums::table.get(&pool, &kind.id).await.expect("get enums"),
            Some(kind)
        );
        let id_row = ids::table
            .insert(&pool, &ids::NewId::default())
            .await
            .expect("insert ids");
        assert!(id_row.id.to_string().starts_with("ord_"), "{}", id_row.id);

        // Tables whose every column the database fills in.
        let s = statement::table
            .insert(&pool, &statement::NewStatement::default())
            .await
            .expect("insert statement");
        assert_eq!(
            statement::table
                .update(&pool, &s.id, &statement::StatementPatch::default())
                .await
                .expect("update statement"),
            Some(s)
        );
        let s = std_table::table
            .insert(&pool, &std_table::NewStd::default())
            .await
            .expect("insert std");
        assert_eq!(
            std_table::table.get(&pool, &s.id).await.expect("get std"),
            Some(s)
        );
        let s = core_table::table
            .insert(&pool, &core_table::NewCore::default())
            .await
            .expect("insert core");
        assert_eq!(
            core_table::table.get(&pool, &s.id).await.expect("get core"),
            Some(s)
        );
    });
}
