//! `multitenant-app`: onboard a tenant and its users, and show them, on the
//! multitenant example's schema.
//!
//! - `migrate`: apply the example's migrations (`DATABASE_URL`).
//! - `onboard SLUG EMAIL...`: in one transaction on the read-write pool,
//!   create the tenant, its users and a tag for each (several repositories,
//!   one transaction: a failure leaves nothing behind), through a service
//!   whose reads default to the read-only pool and accept the transaction.
//! - `show SLUG`: read the tenant, its users and their tags through the
//!   read-only pool (`DATABASE_RO_URL`, or `DATABASE_URL`), relations loaded
//!   with the batched loaders (one query per relation, not per row).

use std::process::ExitCode;

use schemac_runtime::migrate::{MigrationSet, Migrator};
use schemac_runtime::{Error, PoolConfig, Read, ReadOnlyPool, ReadWritePool, Reader};

use multitenant_app::db;

const APP: &str = "multitenant_app";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("migrate") => migrate().await,
        Some("onboard") if args.len() >= 3 => onboard(&args[1], &args[2..]).await,
        Some("show") if args.len() == 2 => show(&args[1]).await,
        _ => {
            eprintln!("usage: multitenant-app migrate | onboard SLUG EMAIL... | show SLUG");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate() -> Result<(), Error> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../generated/multitenant/migrations"
    );
    let set = MigrationSet::load(dir)?;
    let applied = Migrator::new(PoolConfig::from_env("DATABASE_URL")?)
        .run(&set, &mut |_| {})
        .await?;
    println!("applied {} migration(s)", applied.len());
    Ok(())
}

/// The tenant service, written the way the multi-tenant application writes
/// its services: writes on the read-write pool, reads on the read-only pool
/// by default, and every read accepts the caller's transaction instead.
struct TenantService {
    db: ReadWritePool,
    db_ro: ReadOnlyPool,
}

impl TenantService {
    fn from_env() -> Result<Self, Error> {
        Ok(TenantService {
            db: ReadWritePool::read_write_from_env(APP)?,
            db_ro: ReadOnlyPool::read_only_from_env(APP)?,
        })
    }

    /// One method for both: `via` is a pool or a transaction, as a value.
    async fn get_by_slug(
        &self,
        slug: &str,
        via: Option<Reader<'_>>,
    ) -> Result<Option<db::tenants::Tenant>, Error> {
        let via = via.unwrap_or(Reader::from(&self.db_ro));
        db::tenants::by_slug.get(&via, slug).await
    }

    /// The tenant, its users and a tag for each, in one transaction (a
    /// failure leaves nothing behind). The async closure borrows `slug`,
    /// `emails` and `self`; a retry runs it again with the same inputs.
    async fn onboard(&self, slug: &str, emails: &[String]) -> Result<db::tenants::Tenant, Error> {
        self.db
            .run_in_transaction(async |tx| {
                // A read through the same service method, inside the transaction.
                if let Some(existing) = self.get_by_slug(slug, Some(Reader::from(&*tx))).await? {
                    return Ok(existing);
                }
                let mut new = db::tenants::NewTenant::new(slug, slug.to_uppercase());
                new.plan = Some(db::enums::TenantPlan::Team);
                new.seats = Some(emails.len().max(1) as i32);
                let tenant = db::tenants::table.insert(tx, &new).await?;
                for email in emails {
                    let user = db::users::table
                        .insert(
                            tx,
                            &db::users::NewUser::new(tenant.tenant_id, email.as_str()),
                        )
                        .await?;
                    let tag = db::user_tags::NewUserTag::new(user.user_id, "onboarded-with", slug);
                    db::user_tags::table.insert(tx, &tag).await?;
                }
                Ok::<_, Error>(tenant)
            })
            .await
    }
}

async fn onboard(slug: &str, emails: &[String]) -> Result<(), Error> {
    let service = TenantService::from_env()?;
    let tenant = service.onboard(slug, emails).await?;
    println!("onboarded {} ({})", tenant.slug, tenant.tenant_id);
    Ok(())
}

async fn show(slug: &str) -> Result<(), Error> {
    let service = TenantService::from_env()?;
    let pool = &service.db_ro;
    let Some(tenant) = service.get_by_slug(slug, None).await? else {
        println!("no tenant {slug}");
        return Ok(());
    };
    println!(
        "tenant {} {} plan={} seats={} locale={}",
        tenant.slug, tenant.tenant_id, tenant.plan, tenant.seats, tenant.settings.locale
    );
    let users = db::users::by_tenant_id
        .list(pool, &tenant.tenant_id)
        .await?;
    let ids: Vec<db::ids::UserId> = users.iter().map(|u| u.user_id).collect();
    let tags = db::user_tags::by_user_id.many(pool, &ids).await?;
    for user in &users {
        let user_tags: Vec<String> = tags[&user.user_id]
            .iter()
            .map(|t| format!("{}={}", t.key, t.value))
            .collect();
        println!(
            "user {} roles={:?} tags={:?}",
            user.email, user.roles, user_tags
        );
    }
    let session: String = pool
        .query_one(
            "SELECT current_setting('default_transaction_read_only')",
            &[],
        )
        .await?
        .get(0);
    println!("read through a session with default_transaction_read_only={session}");
    Ok(())
}
