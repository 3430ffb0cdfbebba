//! The application's own tests on `#[schemac_runtime::test]`: each test
//! gets a database of its own with the example's migrations, cloned from a
//! template made once, on DATABASE_URL's server or, with none set, on a
//! throwaway server started for these tests.

use schemac_runtime::ReadWritePool;
use schemac_runtime::testing::TestDb;

use multitenant_app::db;
use multitenant_app::db::tenants::{self, NewTenant};

fn new_tenant(slug: &str) -> NewTenant {
    NewTenant {
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

#[schemac_runtime::test(migrations = "../../generated/multitenant/migrations")]
async fn a_tenant_is_found_by_its_slug(db: TestDb) {
    let acme = tenants::table
        .insert(&db, &new_tenant("acme"))
        .await
        .expect("insert");
    let found = db::queries::tenant_by_slug(&db, "acme")
        .await
        .expect("found");
    assert_eq!(found, acme);
}

// Two tests writing the same slug: each has its own database, so neither
// sees the other's row, whichever runs first (they run in parallel).
#[schemac_runtime::test(migrations = "../../generated/multitenant/migrations")]
async fn each_test_starts_from_the_migrations_alone(pool: ReadWritePool) {
    assert!(
        db::queries::find_tenant_by_slug(&pool, "acme")
            .await
            .expect("query")
            .is_none()
    );
    tenants::table
        .insert(&pool, &new_tenant("acme"))
        .await
        .expect("the slug is free in this test's database");
}
