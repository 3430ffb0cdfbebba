//! The checked-in generated code of the examples, run against the real
//! PostgreSQL: every repository function returns what the database holds.

use schemac_generated::multitenant::{enums::TenantPlan, ids::TenantId, tenants, user_tags, users};
use schemac_generated::saas;
use schemac_runtime::{Keyed, Order, PoolConfig, Read, ReadWritePool, StreamExt, Write, chrono};
use schemac_tests::{TestDb, repo_root, tokio_runtime};

fn database_with(example: &str, label: &str) -> TestDb {
    TestDb::with_init(
        &repo_root()
            .join("generated")
            .join(example)
            .join("migrations"),
        label,
    )
}

fn pool(db: &TestDb) -> ReadWritePool {
    ReadWritePool::read_write(PoolConfig::new(db.url.clone())).expect("pool")
}

fn new_tenant(slug: &str) -> tenants::NewTenant {
    tenants::NewTenant {
        tenant_id: None,
        slug: slug.to_owned(),
        display_name: format!("Tenant {slug}"),
        plan: None,
        seats: None,
        settings: None,
        created_at: None,
        updated_at: None,
    }
}

fn new_user(tenant: TenantId, email: &str) -> users::NewUser {
    users::NewUser {
        user_id: None,
        tenant_id: tenant,
        email: email.to_owned(),
        display_name: None,
        idp_user_info: None,
        last_seen_ip: None,
        roles: None,
        managers: None,
        created_at: None,
        updated_at: None,
    }
}

#[test]
fn multitenant_repositories_return_what_the_database_holds() {
    let db = database_with("multitenant", "gen_multitenant");
    tokio_runtime().block_on(async {
        let pool = pool(&db);

        // insert fills defaults and comes back equal to a fresh read.
        let acme = tenants::table
            .insert(&pool, &new_tenant("acme"))
            .await
            .expect("insert");
        assert_eq!(acme.plan, TenantPlan::Free);
        assert_eq!(acme.seats, 5);
        assert_eq!(acme.settings.locale, "en-GB");
        assert!(acme.updated_at.is_none());
        assert_eq!(
            tenants::table
                .get(&pool, &acme.tenant_id)
                .await
                .expect("get"),
            Some(acme.clone())
        );
        assert_eq!(
            tenants::by_slug
                .get(&pool, "acme")
                .await
                .expect("get_by_slug"),
            Some(acme.clone())
        );
        assert!(
            tenants::table
                .exists(&pool, &acme.tenant_id)
                .await
                .expect("exists")
        );

        // A patch changes exactly its fields, and sets the on_update column.
        let patched = tenants::table
            .update(
                &pool,
                &acme.tenant_id,
                &tenants::TenantPatch {
                    display_name: Some("ACME Corp".into()),
                    plan: Some(TenantPlan::Enterprise),
                    ..Default::default()
                },
            )
            .await
            .expect("update")
            .expect("the row exists");
        assert_eq!(patched.display_name, "ACME Corp");
        assert_eq!(patched.plan, TenantPlan::Enterprise);
        assert!(patched.updated_at.is_some(), "on_update: now");
        assert_eq!(
            (
                patched.slug.as_str(),
                patched.seats,
                &patched.settings,
                patched.created_at
            ),
            (
                acme.slug.as_str(),
                acme.seats,
                &acme.settings,
                acme.created_at
            )
        );
        let missing = TenantId::new();
        assert_eq!(
            tenants::table
                .update(&pool, &missing, &Default::default())
                .await
                .expect("update"),
            None
        );

        // upsert updates on conflict.
        let mut again = new_tenant("acme");
        again.tenant_id = Some(acme.tenant_id);
        again.display_name = "Acme again".into();
        let upserted = tenants::table.upsert(&pool, &again).await.expect("upsert");
        assert_eq!(upserted.tenant_id, acme.tenant_id);
        assert_eq!(upserted.display_name, "Acme again");
        assert_eq!(tenants::table.count(&pool).await.expect("count"), 1);

        // Batched loading groups rows by parent, every key present.
        let globex = tenants::table
            .insert(&pool, &new_tenant("globex"))
            .await
            .expect("insert");
        let empty = tenants::table
            .insert(&pool, &new_tenant("empty"))
            .await
            .expect("insert");
        let mut ada = new_user(acme.tenant_id, "ada@acme.test");
        ada.roles = Some(vec!["admin".into()]);
        ada.managers = Some(vec![]);
        let ada = users::table.insert(&pool, &ada).await.expect("insert user");
        assert_eq!(ada.roles, ["admin"]);
        let bob = users::table
            .insert(&pool, &new_user(acme.tenant_id, "bob@acme.test"))
            .await
            .expect("insert user");
        assert_eq!(bob.roles, ["member"], "the column default");
        let cy = users::table
            .insert(&pool, &new_user(globex.tenant_id, "cy@globex.test"))
            .await
            .expect("insert user");
        let grouped = users::by_tenant_id
            .many(&pool, &[acme.tenant_id, globex.tenant_id, empty.tenant_id])
            .await
            .expect("batched");
        assert_eq!(grouped[&acme.tenant_id], [ada.clone(), bob.clone()]);
        assert_eq!(grouped[&globex.tenant_id], [cy]);
        assert!(grouped[&empty.tenant_id].is_empty());
        assert_eq!(
            users::by_tenant_id
                .list(&pool, &acme.tenant_id)
                .await
                .expect("list_by"),
            [ada.clone(), bob.clone()]
        );
        assert_eq!(
            users::by_tenant_id_email
                .get(&pool, (&acme.tenant_id, "ADA@acme.test"))
                .await
                .expect("citext lookup"),
            Some(ada.clone())
        );

        // insert_many: 10,000 rows in one COPY, the defaulted set_at left out.
        let rows: Vec<user_tags::NewUserTag> = (0..10_000)
            .map(|i| user_tags::NewUserTag {
                user_id: if i % 2 == 0 { ada.user_id } else { bob.user_id },
                key: format!("key-{i:05}"),
                value: format!("value {i}"),
                set_at: None,
            })
            .collect();
        let counting = Counting::new(&pool);
        let inserted = user_tags::table
            .insert_many(&counting, &rows)
            .await
            .expect("insert_many");
        assert_eq!(inserted, 10_000);
        assert_eq!(counting.statements(), 1, "insert_many is one COPY");
        assert_eq!(counting.copies(), 1, "10,000 rows go in by COPY");
        assert_eq!(user_tags::table.count(&pool).await.expect("count"), 10_000);
        // Fewer rows than COPY_FROM go in as one INSERT of arrays, the
        // defaulted set_at still left to the database.
        let few: Vec<user_tags::NewUserTag> = (0..10)
            .map(|i| user_tags::NewUserTag {
                user_id: ada.user_id,
                key: format!("few-{i}"),
                value: format!("few {i}"),
                set_at: None,
            })
            .collect();
        let counting = Counting::new(&pool);
        let inserted = user_tags::table
            .insert_many(&counting, &few)
            .await
            .expect("insert_many of a few");
        assert_eq!((inserted, counting.statements(), counting.copies()), (10, 1, 0));
        let few_back = pool
            .query_one(
                "SELECT count(*), count(set_at) FROM user_tags WHERE key LIKE 'few-%' AND value LIKE 'few %'",
                &[],
            )
            .await
            .expect("the few");
        assert_eq!((few_back.get::<_, i64>(0), few_back.get::<_, i64>(1)), (10, 10));
        pool.execute("DELETE FROM user_tags WHERE key LIKE 'few-%'", &[])
            .await
            .expect("the few removed");
        let last = pool
            .query_one(
                "SELECT value, set_at IS NOT NULL FROM user_tags WHERE key = 'key-09999'",
                &[],
            )
            .await
            .expect("last row");
        assert_eq!(last.get::<_, String>(0), "value 9999");
        assert!(last.get::<_, bool>(1), "the default filled set_at");

        // Pagination visits every row once, either way.
        for order in [Order::Asc, Order::Desc] {
            let mut seen = Vec::new();
            let mut cursor: Option<(schemac_generated::multitenant::ids::UserId, String)> = None;
            loop {
                let page = user_tags::table
                    .list(
                        &pool,
                        cursor.as_ref().map(|(u, k)| (u, k.as_str())),
                        order,
                        777,
                    )
                    .await
                    .expect("page");
                let Some(last) = page.last() else { break };
                cursor = Some((last.user_id, last.key.clone()));
                seen.extend(page.into_iter().map(|t| (t.user_id, t.key)));
            }
            assert_eq!(seen.len(), 10_000);
            let mut sorted = seen.clone();
            sorted.sort();
            if order == Order::Desc {
                sorted.reverse();
            }
            assert_eq!(seen, sorted, "{order:?}: in key order, each row once");
        }

        // insert_many with array columns: given, empty, left to the default.
        let mut many = Vec::new();
        for i in 0..300 {
            let mut u = new_user(empty.tenant_id, &format!("u{i}@empty.test"));
            u.roles = match i % 3 {
                0 => None,
                1 => Some(vec![]),
                _ => Some(vec![format!("role-{i}"), "o'quote \"and\" {braces}".into()]),
            };
            u.managers = Some(if i % 2 == 0 {
                vec![ada.user_id, bob.user_id]
            } else {
                vec![]
            });
            many.push(u);
        }
        let counting = Counting::new(&pool);
        {
            let inserted = users::table
                .insert_many_returning(&counting, &many)
                .await
                .expect("insert_many_returning with arrays");
            assert_eq!(
                counting.statements(),
                1,
                "insert_many with arrays is one round trip"
            );
            for (i, (given, stored)) in many.iter().zip(&inserted).enumerate() {
                assert_eq!(stored.email, given.email, "row {i}: in order");
                let roles = given.roles.clone().unwrap_or_else(|| vec!["member".into()]);
                assert_eq!(stored.roles, roles, "row {i}");
                assert_eq!(Some(&stored.managers), given.managers.as_ref(), "row {i}");
            }
            let listed = users::by_tenant_id
                .list(&pool, &empty.tenant_id)
                .await
                .expect("list");
            assert_eq!(listed.len(), 300);
            assert_eq!(
                listed
                    .iter()
                    .map(|u| (u.user_id, u.roles.clone(), u.managers.clone()))
                    .collect::<std::collections::BTreeSet<_>>(),
                inserted
                    .iter()
                    .map(|u| (u.user_id, u.roles.clone(), u.managers.clone()))
                    .collect(),
                "what insert_many_returning returned is what the table holds"
            );
        }
        for u in users::by_tenant_id
            .list(&pool, &empty.tenant_id)
            .await
            .expect("list")
        {
            assert!(
                users::table
                    .delete(&pool, &u.user_id)
                    .await
                    .expect("delete")
            );
        }

        // insert_many: COPY when every row gives the defaulted arrays (quotes
        // and braces in the elements, empty arrays), and when some rows leave
        // one to its default (which COPY cannot say) the rows still go in,
        // each as it asked.
        for mixed in [false, true] {
            let rows: Vec<users::NewUser> = many
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    let mut u = u.clone();
                    u.user_id = None;
                    if !mixed && u.roles.is_none() {
                        u.roles = Some(vec![format!("r{i}")]);
                    }
                    u
                })
                .collect();
            let counting = Counting::new(&pool);
            let written = users::table
                .insert_many(&counting, &rows)
                .await
                .expect("insert_many with arrays");
            assert_eq!(written, 300, "mixed: {mixed}");
            let stored: std::collections::BTreeMap<String, users::User> = users::by_tenant_id
                .list(&pool, &empty.tenant_id)
                .await
                .expect("list")
                .into_iter()
                .map(|u| (u.email.clone(), u))
                .collect();
            assert_eq!(stored.len(), 300);
            for given in &rows {
                let stored = &stored[&given.email];
                let roles = given.roles.clone().unwrap_or_else(|| vec!["member".into()]);
                assert_eq!(stored.roles, roles, "mixed: {mixed}, {}", given.email);
                assert_eq!(Some(&stored.managers), given.managers.as_ref());
            }
            for u in stored.values() {
                assert!(
                    users::table
                        .delete(&pool, &u.user_id)
                        .await
                        .expect("delete")
                );
            }
        }
        for u in users::by_tenant_id
            .list(&pool, &empty.tenant_id)
            .await
            .expect("list")
        {
            assert!(
                users::table
                    .delete(&pool, &u.user_id)
                    .await
                    .expect("delete")
            );
        }

        // An index marked `paginate` that leads with a foreign key,
        // (tenant_id, user_id), pages one tenant's rows.
        let mut total = 0;
        for tenant in [&acme, &globex] {
            let mut seen = Vec::new();
            let mut cursor: Option<schemac_generated::multitenant::ids::UserId> = None;
            loop {
                let page = users::by_tenant_id_ordered_by_user_id
                    .page(&pool, &tenant.tenant_id, cursor.as_ref(), Order::Asc, 2)
                    .await
                    .expect("page");
                let Some(last) = page.last() else { break };
                cursor = Some(last.user_id);
                assert!(page.iter().all(|u| u.tenant_id == tenant.tenant_id));
                seen.extend(page.into_iter().map(|u| u.user_id));
            }
            let mut expected: Vec<_> = users::by_tenant_id
                .list(&pool, &tenant.tenant_id)
                .await
                .expect("list")
                .into_iter()
                .map(|u| u.user_id)
                .collect();
            expected.sort();
            assert_eq!(seen, expected, "every row of the tenant once, in order");
            total += seen.len();
        }
        assert_eq!(total, 3, "the rows of both tenants, each in its own pages");

        // upsert on a unique key other than the primary key keeps the row's key.
        let mut renamed = new_tenant("globex");
        renamed.display_name = "Globex Corporation".into();
        let upserted = tenants::by_slug
            .upsert(&pool, &renamed)
            .await
            .expect("upsert_by_slug");
        assert_eq!(upserted.tenant_id, globex.tenant_id);
        assert_eq!(upserted.display_name, "Globex Corporation");

        // Composite keys: get, update, delete.
        let tag = user_tags::table
            .get(&pool, (&ada.user_id, "key-00000"))
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(tag.value, "value 0");
        let tag = user_tags::table
            .update(
                &pool,
                (&ada.user_id, "key-00000"),
                &user_tags::UserTagPatch {
                    value: Some("changed".into()),
                    ..Default::default()
                },
            )
            .await
            .expect("update")
            .expect("exists");
        assert_eq!(tag.value, "changed");
        assert!(
            user_tags::table
                .delete(&pool, (&ada.user_id, "key-00000"))
                .await
                .expect("delete")
        );
        assert!(
            !user_tags::table
                .delete(&pool, (&ada.user_id, "key-00000"))
                .await
                .expect("delete")
        );
        assert_eq!(
            user_tags::table
                .get(&pool, (&ada.user_id, "key-00000"))
                .await
                .expect("get"),
            None
        );
    });
}

#[test]
fn soft_deleted_rows_hide_until_restored() {
    let db = database_with("saas", "gen_saas");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        let new = |id: &str, email: &str| saas::users::NewUser {
            id: id.parse().expect("clerk id"),
            email: email.to_owned(),
            is_admin: None,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            photo_url: "https://example.test/ada.png".into(),
            created_at: None,
            updated_at: None,
        };
        let ada = saas::users::table
            .insert(&pool, &new("user_ada", "ada@example.test"))
            .await
            .expect("insert");
        let bob = saas::users::table
            .insert(&pool, &new("user_bob", "bob@example.test"))
            .await
            .expect("insert");
        assert_eq!(saas::users::table.count(&pool).await.expect("count"), 2);

        assert!(
            saas::users::table
                .delete(&pool, &ada.id)
                .await
                .expect("soft delete")
        );
        assert!(
            !saas::users::table
                .delete(&pool, &ada.id)
                .await
                .expect("already deleted")
        );
        assert_eq!(
            saas::users::table.get(&pool, &ada.id).await.expect("get"),
            None
        );
        assert!(
            !saas::users::table
                .exists(&pool, &ada.id)
                .await
                .expect("exists")
        );
        assert_eq!(saas::users::table.count(&pool).await.expect("count"), 1);
        assert_eq!(
            saas::users::table
                .list(&pool, None, Order::Asc, 10)
                .await
                .expect("list"),
            std::slice::from_ref(&bob)
        );
        let hidden = saas::users::table
            .with_deleted()
            .get(&pool, &ada.id)
            .await
            .expect("get_with_deleted")
            .expect("still in the table");
        assert!(
            hidden.deleted && hidden.deleted_at.is_some(),
            "flag and timestamp set"
        );
        assert_eq!(
            saas::users::table
                .with_deleted()
                .list(&pool, None, Order::Asc, 10)
                .await
                .expect("list_with_deleted")
                .len(),
            2
        );
        // An update does not reach a soft-deleted row.
        let patch = saas::users::UserPatch {
            first_name: Some("Augusta".into()),
            ..Default::default()
        };
        assert_eq!(
            saas::users::table
                .update(&pool, &ada.id, &patch)
                .await
                .expect("update"),
            None
        );

        assert!(
            saas::users::table
                .restore(&pool, &ada.id)
                .await
                .expect("restore")
        );
        let back = saas::users::table
            .get(&pool, &ada.id)
            .await
            .expect("get")
            .expect("restored");
        assert!(!back.deleted && back.deleted_at.is_none());

        // An upsert that meets a soft-deleted row restores it.
        assert!(
            saas::users::table
                .delete(&pool, &ada.id)
                .await
                .expect("soft delete")
        );
        let mut again = new("user_ada", "ada@example.test");
        again.first_name = "Augusta Ada".into();
        let upserted = saas::users::table
            .upsert(&pool, &again)
            .await
            .expect("upsert");
        assert_eq!(upserted.first_name, "Augusta Ada");
        assert!(!upserted.deleted && upserted.deleted_at.is_none());

        assert!(
            saas::users::table
                .hard_delete(&pool, &bob.id)
                .await
                .expect("hard delete")
        );
        assert_eq!(
            saas::users::table
                .with_deleted()
                .get(&pool, &bob.id)
                .await
                .expect("get"),
            None
        );
    });
}

/// The executor pattern of the multi-tenant application: a service's read
/// defaults to the read-only pool and accepts a transaction instead, one
/// method for both (a `Reader` is either, as a value), and the transaction's
/// work is an async closure that borrows the service.
#[test]
fn one_service_method_reads_through_a_pool_or_a_transaction() {
    use schemac_runtime::{Error, ReadOnlyPool, Reader, Writer};
    struct Tenants {
        db: ReadWritePool,
        db_ro: ReadOnlyPool,
    }
    impl Tenants {
        async fn by_slug(
            &self,
            slug: &str,
            via: Option<Reader<'_>>,
        ) -> Result<Option<tenants::Tenant>, Error> {
            let via = via.unwrap_or(Reader::from(&self.db_ro));
            tenants::by_slug.get(&via, slug).await
        }

        async fn create(&self, slug: &str) -> Result<tenants::Tenant, Error> {
            self.db
                .run_in_transaction(async |tx| {
                    let created = tenants::table.insert(tx, &new_tenant(slug)).await?;
                    // The transaction sees its own row; the read-only pool not yet.
                    let inside = self.by_slug(slug, Some(Reader::from(&*tx))).await?;
                    assert_eq!(inside.as_ref(), Some(&created));
                    assert_eq!(self.by_slug(slug, None).await?, None);
                    Ok(created)
                })
                .await
        }
    }
    let db = database_with("multitenant", "gen_executor");
    tokio_runtime().block_on(async {
        let service = Tenants {
            db: pool(&db),
            db_ro: ReadOnlyPool::read_only(PoolConfig::new(db.url.clone())).expect("pool"),
        };
        let created = service.create("acme").await.expect("create");
        assert_eq!(
            service.by_slug("acme", None).await.expect("read"),
            Some(created),
            "committed"
        );
        // A Writer is the read-write pool or a transaction, the same way.
        let writer = Writer::from(&service.db);
        let globex = tenants::table
            .insert(&writer, &new_tenant("globex"))
            .await
            .expect("insert through a Writer");
        let via_pool = Reader::from(writer);
        assert_eq!(
            tenants::table
                .get(&via_pool, &globex.tenant_id)
                .await
                .expect("get"),
            Some(globex)
        );
    });
}

/// `fetch` is `get` for a row that must exist: a missing one is
/// `Error::NotFound`, naming the table and the key.
#[test]
fn fetch_a_missing_row_is_not_found() {
    let db = database_with("multitenant", "gen_fetch");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        let tenant = tenants::table
            .insert(&pool, &new_tenant("acme"))
            .await
            .expect("insert");
        assert_eq!(
            tenants::table
                .fetch(&pool, &tenant.tenant_id)
                .await
                .expect("fetch"),
            tenant
        );
        let missing = TenantId::new();
        let e = tenants::table
            .fetch(&pool, &missing)
            .await
            .expect_err("missing");
        assert!(e.is_not_found(), "{e}");
        assert_eq!(
            e.to_string(),
            format!(r#""public"."tenants" has no row with key {missing:?}"#)
        );
    });
}

/// A unique index is a getter too, a partial one with its predicate; a
/// foreign key that is unique on its own loads one row per parent.
#[test]
fn unique_indexes_and_unique_foreign_keys_find_one_row() {
    use schemac_generated::campus::{auth, colleges, platform_users};
    let saas_db = database_with("saas", "gen_unique_saas");
    let campus_db = database_with("campus", "gen_unique_campus");
    tokio_runtime().block_on(async {
        // users_email_live_key: UNIQUE (email) WHERE deleted_at IS NULL.
        let saas_pool = pool(&saas_db);
        let new = |id: &str| saas::users::NewUser {
            id: id.parse().expect("clerk id"),
            email: "ada@example.test".to_owned(),
            is_admin: None,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            photo_url: "https://example.test/ada.png".into(),
            created_at: None,
            updated_at: None,
        };
        let old = saas::users::table
            .insert(&saas_pool, &new("user_old"))
            .await
            .expect("insert");
        saas::users::table
            .delete(&saas_pool, &old.id)
            .await
            .expect("soft delete");
        // The index lets a live row take the email of a deleted one.
        let live = saas::users::table
            .insert(&saas_pool, &new("user_new"))
            .await
            .expect("insert");
        let found = saas::users::by_email
            .get(&saas_pool, "ada@example.test")
            .await
            .expect("get_by_email");
        assert_eq!(found, Some(live));

        let pool = pool(&campus_db);
        let college = colleges::table
            .insert(
                &pool,
                &colleges::NewCollege::new("IIT", "iit.example", "Delhi", "DL"),
            )
            .await
            .expect("college");
        let mut ids = Vec::new();
        let mut users = Vec::new();
        for name in ["ada", "bob"] {
            let login = auth::table
                .insert(&pool, &auth::NewAuth::new(format!("{name}@iit.example")))
                .await
                .expect("auth");
            let user = platform_users::table
                .insert(
                    &pool,
                    &platform_users::NewPlatformUser::new(login.id, name, college.id),
                )
                .await
                .expect("user");
            ids.push(login.id);
            users.push(user);
        }
        let nobody = auth::table
            .insert(&pool, &auth::NewAuth::new("nobody@iit.example"))
            .await
            .expect("auth");
        ids.push(nobody.id);
        let by_login = platform_users::by_auth_id
            .many(&pool, &ids)
            .await
            .expect("get_by_auth_id_many");
        assert_eq!(by_login.len(), 2, "one row per login that has a user");
        assert_eq!(by_login[&ids[0]], users[0]);
        assert_eq!(by_login[&ids[1]], users[1]);
        assert!(!by_login.contains_key(&nobody.id));
    });
}

/// The examples' named queries (`examples/*/queries/*.sql`), typed by
/// PostgreSQL into functions, return what the same SQL written by hand does.
#[test]
fn the_examples_named_queries_return_what_hand_written_sql_returns() {
    use schemac_generated::gifting;
    use schemac_runtime::serde_json::json;
    let gifting_db = database_with("gifting", "gen_queries_gifting");
    let saas_db = database_with("saas", "gen_queries_saas");
    let multitenant_db = database_with("multitenant", "gen_queries_multitenant");
    tokio_runtime().block_on(async {
        // Full-text search ranked by ts_rank, jsonb containment, GROUP BY.
        let gifting_pool = pool(&gifting_db);
        let saas_pool = pool(&saas_db);
        let multitenant_pool = pool(&multitenant_db);
        let pool = &gifting_pool;
        pool.execute(
            "INSERT INTO gift_categories (id, name) VALUES (1, 'Uncategorised'), (2, 'Toys'), (3, 'Books')",
            &[],
        )
        .await
        .expect("categories");
        for (category, name, price) in [
            (2, "Teddy bear, large", "30.00"),
            (2, "Plush teddy", "12.50"),
            (3, "A book about bears", "20.00"),
            (1, "Mystery box", "5.00"),
        ] {
            pool.execute(
                "INSERT INTO gifts (category_id, name, price) VALUES ($1, $2, $3::text::numeric)",
                &[&category, &name, &price],
            )
            .await
            .expect("gift");
        }
        let found = gifting::queries::search_gifts(pool, "teddy -plush")
            .await
            .expect("search");
        assert_eq!(
            found.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
            ["Teddy bear, large"]
        );
        assert!(found[0].rank > 0.0);
        let by_hand: Vec<String> = pool
            .query(
                "SELECT name FROM gifts WHERE to_tsvector('english', name) @@ websearch_to_tsquery('english', 'bear') ORDER BY ts_rank(to_tsvector('english', name), websearch_to_tsquery('english', 'bear')) DESC, id",
                &[],
            )
            .await
            .expect("by hand")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let typed: Vec<String> = gifting::queries::search_gifts(pool, "bear")
            .await
            .expect("search")
            .into_iter()
            .map(|g| g.name)
            .collect();
        assert_eq!(typed, by_hand);

        for (email, theme) in [("ada@example.test", "dark"), ("bob@example.test", "light")] {
            pool.execute(
                "INSERT INTO users (email, name, preferences) VALUES ($1, 'x', $2)",
                &[&email, &json!({ "theme": theme, "notifications": { "email": true } })],
            )
            .await
            .expect("user");
        }
        let dark = gifting::queries::users_with_preferences(pool, &json!({ "theme": "dark" }))
            .await
            .expect("preferences");
        assert_eq!(
            dark.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(),
            ["ada@example.test"]
        );

        let stats = gifting::queries::gift_stats_by_category(pool)
            .await
            .expect("stats");
        let shown: Vec<(String, i64, Option<String>)> = stats
            .iter()
            .map(|s| {
                (
                    s.category.clone(),
                    s.gifts,
                    s.average_price.map(|p| p.round_dp(2).to_string()),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("Books".to_string(), 1, Some("20.00".to_string())),
                ("Toys".to_string(), 2, Some("21.25".to_string())),
                ("Uncategorised".to_string(), 1, Some("5.00".to_string())),
            ]
        );

        // Members of an organization across two soft deletes.
        let pool = &saas_pool;
        pool.execute(
            "INSERT INTO organizations (id, name) VALUES ('org_1', 'Acme');\n",
            &[],
        )
        .await
        .expect("org");
        for (user, email, member_deleted, user_deleted) in [
            ("user_a", "a@example.test", false, false),
            ("user_b", "b@example.test", true, false),
            ("user_c", "c@example.test", false, true),
        ] {
            pool.execute(
                "INSERT INTO users (id, email, first_name, last_name, photo_url, deleted_at) \
                 VALUES ($1, $2, 'F', 'L', 'p', CASE WHEN $3::bool THEN now() END)",
                &[&user, &email, &user_deleted],
            )
            .await
            .expect("user");
            pool.execute(
                "INSERT INTO organization_members (id, organization_id, user_id, deleted_at) \
                 VALUES ('org_mem_' || $1::text, 'org_1', $1::text, CASE WHEN $2::bool THEN now() END)",
                &[&user, &member_deleted],
            )
            .await
            .expect("member");
        }
        let org: saas::ids::ClerkOrgId = "org_1".parse().expect("org id");
        let members = saas::queries::active_members(pool, &org)
            .await
            .expect("members");
        assert_eq!(
            members.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(),
            ["a@example.test"]
        );

        // Newest users of a tenant, a keyset page scoped to it.
        let pool = &multitenant_pool;
        let acme = tenants::table.insert(pool, &new_tenant("acme")).await.expect("tenant");
        let other = tenants::table.insert(pool, &new_tenant("other")).await.expect("tenant");
        for (tenant, email) in [
            (&acme, "1@acme.test"),
            (&acme, "2@acme.test"),
            (&other, "x@other.test"),
            (&acme, "3@acme.test"),
        ] {
            users::table.insert(pool, &new_user(tenant.tenant_id, email))
                .await
                .expect("user");
        }
        let far_future = chrono::Utc::now() + chrono::Duration::days(1);
        let max_id: schemac_generated::multitenant::ids::UserId =
            "user-7ZZZZZZZZZZZZZZZZZZZZZZZZZ".parse().expect("max id");
        let mut seen = Vec::new();
        let (mut at, mut id) = (far_future, max_id);
        loop {
            let page = schemac_generated::multitenant::queries::newest_users_of_tenant(
                pool,
                &acme.tenant_id,
                &at,
                &id,
                &2,
            )
            .await
            .expect("page");
            let Some(last) = page.last() else { break };
            (at, id) = (last.created_at, last.user_id);
            seen.extend(page.into_iter().map(|u| u.email));
        }
        let mut by_hand: Vec<(chrono::DateTime<chrono::Utc>, String, String)> =
            users::by_tenant_id.list(pool, &acme.tenant_id)
                .await
                .expect("list")
                .into_iter()
                .map(|u| (u.created_at, u.user_id.to_string(), u.email))
                .collect();
        by_hand.sort();
        by_hand.reverse();
        assert_eq!(
            seen,
            by_hand.into_iter().map(|(_, _, e)| e).collect::<Vec<_>>()
        );
        assert_eq!(seen.len(), 3, "only acme's users");
        // `user_id = ANY(:user_ids)` takes a slice of the column's ID type.
        let mut wanted: Vec<schemac_generated::multitenant::ids::UserId> =
            users::by_tenant_id.list(pool, &acme.tenant_id)
                .await
                .expect("list")
                .into_iter()
                .map(|u| u.user_id)
                .take(2)
                .collect();
        wanted.sort_by_key(|id| id.to_string());
        let found = schemac_generated::multitenant::queries::users_by_ids(pool, &wanted)
            .await
            .expect("by ids");
        assert_eq!(
            found.iter().map(|u| u.user_id).collect::<Vec<_>>(),
            wanted,
            "the two users asked for, in ID order"
        );
    });
}

/// What a named query says it returns: `:one` (the row, or NotFound),
/// `:opt` (an Option), `:many` (a Vec), `:exec` (nothing) and `:execrows`
/// (the rows it changed).
#[test]
fn named_queries_return_what_they_say() {
    use schemac_generated::multitenant::queries;

    let db = database_with("multitenant", "gen_query_returns");
    tokio_runtime().block_on(async {
        let pool = &pool(&db);
        let acme = tenants::table
            .insert(pool, &new_tenant("acme"))
            .await
            .expect("tenant");
        let one = queries::tenant_by_slug(pool, "acme").await.expect(":one");
        assert_eq!(one, acme);
        let missing = queries::tenant_by_slug(pool, "nobody")
            .await
            .expect_err("no such tenant");
        assert!(missing.is_not_found(), "{missing}");
        assert!(missing.to_string().contains("tenant_by_slug"), "{missing}");
        assert_eq!(
            queries::find_tenant_by_slug(pool, "acme")
                .await
                .expect(":opt"),
            Some(acme.clone())
        );
        assert_eq!(
            queries::find_tenant_by_slug(pool, "nobody")
                .await
                .expect(":opt"),
            None
        );
        let () = queries::rename_tenant(pool, "Acme Corp", "acme")
            .await
            .expect(":exec");
        assert_eq!(
            tenants::table
                .fetch(pool, &acme.tenant_id)
                .await
                .expect("fetch")
                .display_name,
            "Acme Corp"
        );
        let user = users::table
            .insert(pool, &new_user(acme.tenant_id, "t@acme.test"))
            .await
            .expect("user");
        for key in ["a", "b", "c"] {
            user_tags::table
                .insert(
                    pool,
                    &user_tags::NewUserTag {
                        user_id: user.user_id,
                        key: key.into(),
                        value: "v".into(),
                        set_at: None,
                    },
                )
                .await
                .expect("tag");
        }
        assert_eq!(
            queries::clear_user_tags(pool, &user.user_id)
                .await
                .expect(":execrows"),
            3
        );
        assert_eq!(
            queries::clear_user_tags(pool, &user.user_id)
                .await
                .expect(":execrows"),
            0
        );

        // `:stream`: the rows as they arrive, from the pool and in a
        // transaction, the same as the whole list.
        for i in 0..300 {
            users::table
                .insert(pool, &new_user(acme.tenant_id, &format!("s{i}@acme.test")))
                .await
                .expect("user");
        }
        let listed = users::by_tenant_id
            .list(pool, &acme.tenant_id)
            .await
            .expect("list");
        let mut by_age = listed.clone();
        by_age.sort_by_key(|u| (u.created_at, u.user_id.to_string()));
        let streamed: Vec<_> = queries::export_users(pool, &acme.tenant_id)
            .await
            .expect(":stream")
            .map(|row| row.expect("row"))
            .collect()
            .await;
        assert_eq!(streamed.len(), 301);
        assert_eq!(
            streamed.iter().map(|u| u.user_id).collect::<Vec<_>>(),
            by_age.iter().map(|u| u.user_id).collect::<Vec<_>>()
        );
        let tx = pool.begin().await.expect("begin");
        {
            // The stream borrows the transaction: no commit while it is open.
            let mut rows = std::pin::pin!(
                queries::export_users(&tx, &acme.tenant_id)
                    .await
                    .expect(":stream in a transaction")
            );
            let first = rows.next().await.expect("a row").expect("decoded");
            assert_eq!(first.user_id, by_age[0].user_id);
        }
        tx.commit().await.expect("commit");
        // Dropped half-read: its connection goes back to the pool and serves.
        let (open_before, _) = pool.status();
        {
            let mut rows = std::pin::pin!(
                queries::export_users(pool, &acme.tenant_id)
                    .await
                    .expect(":stream")
            );
            rows.next().await.expect("a row").expect("decoded");
            let (open, idle) = pool.status();
            assert!(
                open > idle,
                "the stream holds a connection: {open} open, {idle} idle"
            );
        }
        for _ in 0..20 {
            let (open, idle) = pool.status();
            if open == idle {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        let (open, idle) = pool.status();
        assert_eq!(open, idle, "every connection back in the pool");
        assert!(open >= open_before);
        assert_eq!(
            queries::export_users(pool, &acme.tenant_id)
                .await
                .expect(":stream")
                .count()
                .await,
            301
        );
    });
}

/// A sensitive column of the schema stays `Sensitive<T>` wherever it is
/// read: a table's row, a loader, a named query's own row struct, and what
/// an `UPDATE ... RETURNING` gives back; none prints or serializes it.
#[test]
fn sensitive_columns_stay_redacted_on_every_read_path() {
    use schemac_generated::multitenant::{enums::IdpKind, identity_connectors, queries};
    use schemac_generated::users::IdpUserInfo;

    let db = database_with("multitenant", "gen_sensitive_reads");
    tokio_runtime().block_on(async {
        let pool = &pool(&db);
        let tenant = tenants::table
            .insert(pool, &new_tenant("vault"))
            .await
            .expect("tenant");
        let secret_info = IdpUserInfo {
            subject: "subject-secret".into(),
            groups: vec!["group-secret".into()],
        };
        let mut new = new_user(tenant.tenant_id, "s@vault.test");
        new.idp_user_info = Some(secret_info.clone());
        let user = users::table.insert(pool, &new).await.expect("user");
        identity_connectors::table
            .insert(
                pool,
                &identity_connectors::NewIdentityConnector {
                    connector_id: None,
                    tenant_id: tenant.tenant_id,
                    kind: IdpKind::Oidc,
                    issuer_url: "https://idp.test".into(),
                    state: serde_json::json!({"ip": "10.0.0.1", "token": "state-secret"}),
                    created_at: None,
                    updated_at: None,
                },
            )
            .await
            .expect("connector");

        let shown = |what: &str, debug: String, json: String| {
            for secret in ["subject-secret", "group-secret", "state-secret", "10.0.0.1"] {
                assert!(
                    !debug.contains(secret),
                    "{what}: Debug shows {secret}: {debug}"
                );
                assert!(
                    !json.contains(secret),
                    "{what}: serde shows {secret}: {json}"
                );
            }
        };
        let json = |v: &dyn erased::Serialize| v.to_json();

        // The table's row, and a loader.
        shown("users row", format!("{user:?}"), json(&user));
        let loaded = users::by_tenant_id
            .many(pool, &[tenant.tenant_id])
            .await
            .expect("loader");
        let loaded = &loaded[&tenant.tenant_id];
        shown("loader", format!("{loaded:?}"), json(loaded));

        // A named query's own row struct, with a json rust_type and a plain jsonb.
        let rows = queries::users_with_connector_state(pool, &tenant.tenant_id)
            .await
            .expect("named query");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].idp_user_info.as_ref().map(|i| i.expose()),
            Some(&secret_info),
            "the value is there, only hidden"
        );
        assert_eq!(rows[0].state.expose()["token"], "state-secret");
        shown("named query", format!("{rows:?}"), json(&rows));

        // What RETURNING gives back.
        let returned =
            queries::record_last_seen(pool, &"10.1.1.1".parse().expect("ip"), &user.user_id)
                .await
                .expect("returning");
        assert_eq!(returned.len(), 1);
        assert_eq!(
            returned[0].idp_user_info.as_ref().map(|i| i.expose()),
            Some(&secret_info)
        );
        shown("returning", format!("{returned:?}"), json(&returned));
    });
}

/// `serde_json::to_string` for the checks above, through a trait object so
/// that one closure takes rows of every type.
mod erased {
    pub trait Serialize {
        fn to_json(&self) -> String;
    }

    impl<T: schemac_runtime::serde::Serialize + ?Sized> Serialize for T {
        fn to_json(&self) -> String {
            serde_json::to_string(self).expect("serializes")
        }
    }
}

/// A rich ID shows its external form in `Debug`, as in logs and test failures.
#[test]
fn rich_ids_debug_print_their_external_form() {
    let id = TenantId::new();
    assert_eq!(format!("{id:?}"), format!("TenantId({id})"));
    assert!(format!("{id:?}").starts_with("TenantId(tenant-"), "{id:?}");
}

/// A new row is made from its required fields alone, and sensitive values
/// stay out of `Debug` for the row, the insert struct and the patch, and
/// out of the row's serde output.
#[test]
fn new_rows_take_their_required_fields_and_debug_redacts_secrets() {
    use schemac_generated::campus::{auth, two_factors};
    let db = database_with("campus", "gen_new_rows");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        let mut user = auth::NewAuth::new("ada@example.test");
        user.password_hash = Some("argon2-hash-of-secret".into());
        assert!(!format!("{user:?}").contains("argon2"), "{user:?}");
        let user = auth::table.insert(&pool, &user).await.expect("insert");
        assert_eq!(user.email, "ada@example.test");
        assert!(!user.email_verified, "the rest left to the database");
        assert!(!format!("{user:?}").contains("argon2"), "{user:?}");
        let new = two_factors::NewTwoFactor::new(user.id, "totp-secret", vec!["code-1".to_owned()]);
        let shown = format!("{new:?}");
        assert!(
            shown.contains("<redacted>")
                && !shown.contains("totp-secret")
                && !shown.contains("code-1"),
            "{shown}"
        );
        let stored = two_factors::table
            .insert(&pool, &new)
            .await
            .expect("insert");
        assert_eq!(stored.secret.expose(), "totp-secret");
        // Serialized (to a log, an API), the row keeps its secrets; the
        // clear value is one explicit call away.
        let json = schemac_runtime::serde_json::to_string(&stored).expect("json");
        assert!(
            json.contains(r#""secret":"<redacted>""#) && !json.contains("totp-secret"),
            "{json}"
        );
        assert!(!json.contains("code-1"), "{json}");
        let read_back = auth::table
            .get(&pool, &user.id)
            .await
            .expect("get")
            .expect("row");
        let json = schemac_runtime::serde_json::to_string(&read_back).expect("json");
        assert!(
            json.contains(r#""password_hash":"<redacted>""#) && !json.contains("argon2"),
            "{json}"
        );
        assert_eq!(
            read_back
                .password_hash
                .as_ref()
                .map(|h| h.expose().as_str()),
            Some("argon2-hash-of-secret")
        );
        let patch = two_factors::TwoFactorPatch {
            secret: Some("rotated".into()),
            ..Default::default()
        };
        assert!(!format!("{patch:?}").contains("rotated"));
    });
}

/// `on_update: now` columns change with every write of a row: update,
/// upsert, soft delete and restore, not update alone.
#[test]
fn every_write_of_a_row_sets_its_on_update_columns() {
    let db = database_with("saas", "gen_on_update");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        let new = saas::users::NewUser {
            id: "user_ada".parse().expect("clerk id"),
            email: "ada@example.test".to_owned(),
            is_admin: None,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            photo_url: "https://example.test/ada.png".into(),
            created_at: None,
            updated_at: None,
        };
        let ada = saas::users::table
            .insert(&pool, &new)
            .await
            .expect("insert");
        let long_ago = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date");
        let age = || async {
            pool.execute(
                r#"UPDATE "public"."users" SET "updated_at" = $1"#,
                &[&long_ago],
            )
            .await
            .expect("age the row");
        };
        let updated_at = || async {
            saas::users::table
                .with_deleted()
                .get(&pool, &ada.id)
                .await
                .expect("get")
                .expect("row")
                .updated_at
        };

        age().await;
        let mut again = new.clone();
        again.first_name = "Augusta Ada".into();
        saas::users::table
            .upsert(&pool, &again)
            .await
            .expect("upsert");
        assert!(updated_at().await > long_ago, "upsert sets updated_at");

        age().await;
        assert!(
            saas::users::table
                .delete(&pool, &ada.id)
                .await
                .expect("delete")
        );
        assert!(updated_at().await > long_ago, "soft delete sets updated_at");

        age().await;
        assert!(
            saas::users::table
                .restore(&pool, &ada.id)
                .await
                .expect("restore")
        );
        assert!(updated_at().await > long_ago, "restore sets updated_at");

        // A value the caller gives explicitly is the one written.
        age().await;
        let mut given = new.clone();
        given.updated_at = Some(long_ago);
        let kept = saas::users::table
            .upsert(&pool, &given)
            .await
            .expect("upsert");
        assert_eq!(kept.updated_at, long_ago);
    });
}

/// The other examples: sequence keys left to the database (and given) in
/// insert_many, self-references, nullable arrays with defaults.
#[test]
fn other_examples_insert_and_read_back() {
    use schemac_generated::{campus, gifting, marketplace};

    let campus_db = database_with("campus", "gen_campus");
    let gifting_db = database_with("gifting", "gen_gifting");
    let marketplace_db = TestDb::with_init(
        &repo_root().join("generated/marketplace/migrations/main"),
        "gen_marketplace",
    );
    tokio_runtime().block_on(async {
        let campus_pool = pool(&campus_db);
        let gifting_pool = pool(&gifting_db);
        let marketplace_pool = pool(&marketplace_db);
        let pool = campus_pool;
        let rows: Vec<campus::branches::NewBranch> = (0..50)
            .map(|i| campus::branches::NewBranch {
                id: None,
                name: format!("Branch {i}"),
                code: (i % 2 == 0).then(|| format!("B{i}")),
            })
            .collect();
        let written = campus::branches::table
            .insert_many(&pool, &rows)
            .await
            .expect("insert_many");
        assert_eq!(written, 50);
        let inserted = campus::branches::table
            .list(&pool, None, Order::Asc, 100)
            .await
            .expect("list");
        let ids: Vec<i32> = inserted.iter().map(|b| b.id).collect();
        assert_eq!(ids, (1..=50).collect::<Vec<_>>(), "the sequence, in order");
        assert_eq!(inserted[49].name, "Branch 49");
        assert_eq!(
            inserted[48].code.as_deref().map(str::trim_end),
            Some("B48"),
            "a value given"
        );
        assert_eq!(inserted[49].code, None, "None: NULL");
        let one = campus::branches::table
            .insert(
                &pool,
                &campus::branches::NewBranch {
                    id: None,
                    name: "After".into(),
                    code: None,
                },
            )
            .await
            .expect("insert");
        assert_eq!(one.id, 51, "insert_many advanced the sequence");
        assert_eq!(
            campus::branches::table.get(&pool, &7).await.expect("get"),
            Some(inserted[6].clone())
        );

        let pool = gifting_pool;
        let root = gifting::gift_categories::table
            .insert(
                &pool,
                &gifting::gift_categories::NewGiftCategory {
                    id: Some(100),
                    name: "Root".into(),
                    parent_id: None,
                },
            )
            .await
            .expect("insert with an explicit key");
        let children: Vec<_> = (0..3)
            .map(|i| gifting::gift_categories::NewGiftCategory {
                id: None,
                name: format!("Child {i}"),
                parent_id: Some(root.id),
            })
            .collect();
        gifting::gift_categories::table
            .insert_many(&pool, &children)
            .await
            .expect("insert_many");
        let grouped = gifting::gift_categories::by_parent_id
            .many(&pool, &[root.id])
            .await
            .expect("batched");
        assert_eq!(grouped[&root.id].len(), 3);

        let pool = marketplace_pool;
        let groups: Vec<_> = [None, Some(None), Some(Some(vec![1, 2, 3]))]
            .into_iter()
            .enumerate()
            .map(|(i, members)| marketplace::main::groups::NewGroup {
                id: None,
                name: format!("group {i}"),
                product_id: None,
                members,
                last_message_id: None,
                created_at: None,
                updated_at: None,
            })
            .collect();
        let inserted = marketplace::main::groups::table
            .insert_many_returning(&pool, &groups)
            .await
            .expect("insert_many_returning");
        let single = marketplace::main::groups::table
            .insert(&pool, &groups[1])
            .await
            .expect("insert");
        assert_eq!(
            inserted[0].members,
            Some(vec![]),
            "None: the column's default"
        );
        assert_eq!(
            inserted[1].members, None,
            "insert_many: Some(None) is NULL, as for insert"
        );
        assert_eq!(single.members, None, "insert: Some(None) is NULL");
        // The same three cases for a scalar column (created_at: nullable, default now()).
        let mut stamps = vec![groups[0].clone(), groups[0].clone(), groups[0].clone()];
        stamps[1].created_at = Some(None);
        let moment = schemac_runtime::chrono::NaiveDate::from_ymd_opt(2020, 2, 29)
            .and_then(|d| d.and_hms_opt(12, 0, 0));
        stamps[2].created_at = Some(moment);
        let stored = marketplace::main::groups::table
            .insert_many_returning(&pool, &stamps)
            .await
            .expect("insert_many_returning");
        assert!(stored[0].created_at.is_some(), "None: the default, now()");
        assert_eq!(stored[1].created_at, None, "Some(None): NULL");
        assert_eq!(stored[2].created_at, moment, "Some(Some(v)): v");
        assert_eq!(inserted[2].members, Some(vec![1, 2, 3]));
        assert_eq!(
            marketplace::main::groups::table
                .get(&pool, &inserted[2].id)
                .await
                .expect("get"),
            Some(inserted[2].clone())
        );
    });
}

/// An executor that counts the statements it passes on: what a generated
/// function sends, counted where it leaves for the database.
struct Counting<'a> {
    inner: &'a ReadWritePool,
    statements: std::sync::atomic::AtomicUsize,
    copies: std::sync::atomic::AtomicUsize,
}

impl<'a> Counting<'a> {
    fn new(inner: &'a ReadWritePool) -> Self {
        Counting {
            inner,
            statements: std::sync::atomic::AtomicUsize::new(0),
            copies: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn statements(&self) -> usize {
        self.statements.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many of the statements were a `COPY`.
    fn copies(&self) -> usize {
        self.copies.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl schemac_runtime::Read for Counting<'_> {
    async fn query(
        &self,
        sql: impl schemac_runtime::AsSql,
        params: &schemac_runtime::Params<'_>,
    ) -> Result<Vec<schemac_runtime::PgRow>, schemac_runtime::Error> {
        self.statements
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.query(sql, params).await
    }
}

impl schemac_runtime::Write for Counting<'_> {
    async fn execute(
        &self,
        sql: impl schemac_runtime::AsSql,
        params: &schemac_runtime::Params<'_>,
    ) -> Result<u64, schemac_runtime::Error> {
        self.statements
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.execute(sql, params).await
    }

    async fn copy_in(
        &self,
        table: &str,
        columns: &[&str],
        values: &schemac_runtime::Params<'_>,
    ) -> Result<u64, schemac_runtime::Error> {
        self.statements
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.copies
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.copy_in(table, columns, values).await
    }
}

/// Every statement written out in the generated code of every example is
/// valid against that example's database: Postgres prepares each one (parse,
/// name resolution, type checks) without running it.
#[test]
fn every_generated_statement_prepares_against_its_database() {
    let mut prepared = 0;
    for e in schemac_tests::example_databases() {
        let label = format!("{}_{}", e.example, e.database);
        let mut db = TestDb::with_init(&e.migrations, &format!("prep_{label}"));
        for (path, text) in schemac_tests::read_tree(&e.rust) {
            for sql in sql_literals(&text) {
                db.client.prepare(&sql).unwrap_or_else(|e| {
                    panic!("{label}: {path}: the statement does not prepare: {e}\n{sql}")
                });
                prepared += 1;
            }
        }
    }
    assert!(prepared > 400, "only {prepared} statements found");
}

/// The SQL statements among a file's raw string literals (`r#"SELECT ..."#`).
fn sql_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("r#\"") {
        let body = &rest[start + 3..];
        let Some(end) = body.find("\"#") else { break };
        let literal = &body[..end];
        if ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "]
            .iter()
            .any(|k| literal.starts_with(k))
        {
            out.push(literal.to_owned());
        }
        rest = &body[end + 2..];
    }
    out
}

/// Walks every table of a generated database page by page (the cursor from
/// each row's `key()`), both ways, decoding every row; returns the rows read.
macro_rules! read_every_table {
    ($pool:expr; $g:ident; $($table:ident => $row:ident),+ $(,)?) => {{
        let mut read = 0usize;
        $(
            let expected = $g::$table::table.count($pool).await.expect("count");
            for order in [Order::Asc, Order::Desc] {
                let mut seen = Vec::new();
                let mut last: Option<$g::$table::$row> = None;
                loop {
                    let page = $g::$table::table.list($pool, last.as_ref().map(|r| r.key()), order, 2)
                        .await
                        .unwrap_or_else(|e| panic!("{}: {e}", stringify!($table)));
                    if page.is_empty() {
                        break;
                    }
                    last = page.last().cloned();
                    seen.extend(page);
                }
                assert_eq!(seen.len() as i64, expected, "{} {order:?}: every row once", stringify!($table));
                read += seen.len();
            }
        )+
        read
    }};
}

/// Every table of every example, filled with rows that exercise each column
/// type (and foreign keys pointing at real rows), read back through the
/// generated `list` and `count`: every column of every table decodes.
#[test]
fn every_table_of_every_example_reads_back() {
    let rt = tokio_runtime();
    for e in schemac_tests::example_databases() {
        let (example, database) = (e.example.as_str(), e.database.as_str());
        let mut db = TestDb::with_init(&e.migrations, &format!("read_{example}_{database}"));
        let compiled = schemac_schema::compile_project(&repo_root().join("examples").join(example));
        let config = compiled.config.as_ref().expect("config");
        let at = config
            .databases
            .iter()
            .position(|d| d.name == database)
            .expect("database");
        let filled = schemac_tests::roundtrip::fill(&mut db.client, &compiled.schemas[at]);
        assert!(filled > 0, "{example}/{database}: rows inserted");
        // The filler writes arbitrary JSON; columns with a `rust_type` get
        // JSON of that type (the application types in generated/lib.rs).
        let typed_json = match (example, database) {
            ("multitenant", _) => {
                "UPDATE tenants SET settings = '{\"locale\": \"fr\", \"features\": [\"sso\"]}';
                 UPDATE users SET idp_user_info = '{\"subject\": \"s-1\", \"groups\": []}'"
            }
            ("gifting", _) => "UPDATE gifts SET metadata = '{\"wrapping\": \"red\"}'",
            ("marketplace", "main") => {
                "UPDATE messages SET attachments = '[{\"url\": \"https://x.test/a\"}]'"
            }
            _ => "",
        };
        db.client.batch_execute(typed_json).expect("typed json");
        let pool = pool(&db);
        let read = rt.block_on(async {
            match (example, database) {
                ("campus", _) => {
                    use schemac_generated::campus as g;
                    read_every_table!(&pool; g; audit_logs => AuditLog, auth => Auth, bookmarks => Bookmark, branches => Branch, college_branches => CollegeBranch, colleges => College, comments => Comment, platform_users => PlatformUser, posts => Post, sessions => Session, two_factors => TwoFactor, votes => Vote)
                }
                ("gifting", _) => {
                    use schemac_generated::gifting as g;
                    read_every_table!(&pool; g; classifier_questions => ClassifierQuestion, gift_categories => GiftCategory, gift_processes => GiftProcess, gifts => Gift, notifications => Notification, occasions => Occasion, process_answers => ProcessAnswer, relationships => Relationship, users => User)
                }
                ("multitenant", _) => {
                    use schemac_generated::multitenant as g;
                    read_every_table!(&pool; g; avatars => Avatar, identity_connectors => IdentityConnector, seeds => Seed, tenants => Tenant, user_tags => UserTag, users => User)
                }
                ("saas", _) => {
                    use schemac_generated::saas as g;
                    read_every_table!(&pool; g; github_installation_repositories => GithubInstallationRepository, github_installations => GithubInstallation, organization_members => OrganizationMember, organizations => Organization, users => User)
                }
                ("marketplace", "main") => {
                    use schemac_generated::marketplace::main as g;
                    read_every_table!(&pool; g; groups => Group, messages => Message, products => Product)
                }
                ("marketplace", "auth") => {
                    use schemac_generated::marketplace::auth as g;
                    read_every_table!(&pool; g; tokens => Token, user_verifications => UserVerification, users => User)
                }
                ("names", _) => {
                    use schemac_generated::names as g;
                    read_every_table!(&pool; g; boxes => Box, core => Core, decimals => Decimal, defaults => Default, errors => Error, formatters => Formatter, from_rows => FromRow, hash_maps => HashMap, intos => Into, jsons => Json, naive_date_times => NaiveDateTime, options => Option, orders => Order, pages => Page, reads => Read, results => Result, rows => Row, sqls => Sql, statement => Statement, std => Std, strings => String, to_sqls => ToSql, uuids => Uuid, vecs => Vec, writes => Write, sensitives => Sensitive, params => Param, syncs => Sync, values => Value, ulids => Ulid, date_times => DateTime, utcs => Utc, ip_addrs => IpAddr, pg_intervals => PgInterval, selves => Self_, enums => Enum, ids => Id)
                }
                _ => unreachable!(),
            }
        });
        assert!(read > 0, "{example}/{database}: rows read back");
    }
}

/// A generated tsvector column reads back as the runtime's `TsVector`,
/// through one insert and through `insert_many`.
#[test]
fn a_tsvector_column_reads_back_as_its_lexemes() {
    use schemac_generated::gifting::{gift_categories, gifts};
    let db = database_with("gifting", "tsvector_reads");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        gift_categories::table
            .insert(
                &pool,
                &gift_categories::NewGiftCategory::new("Uncategorised"),
            )
            .await
            .expect("category 1");
        let mut teapot = gifts::NewGift::new("Silver teapot", rust_decimal_of(40));
        teapot.description = Some("for slow mornings".to_owned());
        let gift = gifts::table.insert(&pool, &teapot).await.expect("gift");
        assert_eq!(
            gift.search.to_string(),
            "'morn':5 'silver':1 'slow':4 'teapot':2",
            "{:?}",
            gift.search
        );
        let many = gifts::table
            .insert_many(
                &pool,
                &[
                    gifts::NewGift::new("Kettle", rust_decimal_of(20)),
                    gifts::NewGift::new("Tea towels", rust_decimal_of(9)),
                ],
            )
            .await
            .expect("gifts");
        assert_eq!(many, 2);
        let rows = pool
            .query(
                "SELECT search FROM gifts WHERE name <> 'Silver teapot' ORDER BY name",
                &[],
            )
            .await
            .expect("rows");
        let words: Vec<String> = rows
            .iter()
            .map(|r| r.get::<_, schemac_runtime::TsVector>(0).to_string())
            .collect();
        assert_eq!(words, ["'kettl':1", "'tea':1 'towel':2"]);
    });
}

fn rust_decimal_of(n: i64) -> schemac_runtime::rust_decimal::Decimal {
    schemac_runtime::rust_decimal::Decimal::from(n)
}
