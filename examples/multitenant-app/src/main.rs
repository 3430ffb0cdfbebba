//! `multitenant-app`: onboard a tenant and its users, and show them, on the
//! multitenant example's schema.
//!
//! - `migrate`: apply the example's migrations (`DATABASE_URL`).
//! - `onboard SLUG EMAIL...`: in one transaction on the read-write pool,
//!   create the tenant, its users and a tag for each (several repositories,
//!   one transaction: a failure leaves nothing behind).
//! - `show SLUG`: read the tenant, its users and their tags through the
//!   read-only pool (`DATABASE_RO_URL`, or `DATABASE_URL`), relations loaded
//!   with the batched loaders (one query per relation, not per row).

use std::process::ExitCode;

use schemac_runtime::migrate::{MigrationSet, Migrator};
use schemac_runtime::{Error, PoolConfig, Read, ReadOnlyPool, ReadWritePool};

/// The generated code: models and repositories for every table. A binary
/// uses only part of that API, hence the allow.
#[allow(dead_code)]
mod db {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

/// The application types the schema names with `rust_type`.
pub mod tenants {
    use schemac_runtime::serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(crate = "schemac_runtime::serde")]
    pub struct TenantSettings {
        pub locale: String,
        pub features: Vec<String>,
    }
}

pub mod users {
    use schemac_runtime::serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(crate = "schemac_runtime::serde")]
    pub struct IdpUserInfo {
        pub subject: String,
    }
}

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

async fn onboard(slug: &str, emails: &[String]) -> Result<(), Error> {
    let pool = ReadWritePool::read_write_from_env(APP)?;
    let tenant = pool
        .run_in_transaction(|tx| {
            // The future may be run again (a retry), so it owns its inputs.
            let slug = slug.to_owned();
            let emails = emails.to_vec();
            Box::pin(async move {
                let tenant = db::tenants::insert(
                    tx,
                    &db::tenants::NewTenant {
                        tenant_id: None,
                        slug: slug.clone(),
                        display_name: slug.to_uppercase(),
                        plan: Some(db::enums::TenantPlan::Team),
                        seats: Some(emails.len().max(1) as i32),
                        settings: None,
                        created_at: None,
                        updated_at: None,
                    },
                )
                .await?;
                for email in &emails {
                    let user = db::users::insert(
                        tx,
                        &db::users::NewUser {
                            user_id: None,
                            tenant_id: tenant.tenant_id,
                            email: email.clone(),
                            display_name: None,
                            idp_user_info: None,
                            last_seen_ip: None,
                            roles: None,
                            managers: None,
                            created_at: None,
                            updated_at: None,
                        },
                    )
                    .await?;
                    db::user_tags::insert(
                        tx,
                        &db::user_tags::NewUserTag {
                            user_id: user.user_id,
                            key: "onboarded-with".into(),
                            value: slug.clone(),
                            set_at: None,
                        },
                    )
                    .await?;
                }
                Ok::<_, Error>(tenant)
            })
        })
        .await?;
    println!("onboarded {} ({})", tenant.slug, tenant.tenant_id);
    Ok(())
}

async fn show(slug: &str) -> Result<(), Error> {
    let pool = ReadOnlyPool::read_only_from_env(APP)?;
    let Some(tenant) = db::tenants::get_by_slug(&pool, slug).await? else {
        println!("no tenant {slug}");
        return Ok(());
    };
    println!(
        "tenant {} {} plan={} seats={} locale={}",
        tenant.slug, tenant.tenant_id, tenant.plan, tenant.seats, tenant.settings.locale
    );
    let users = db::users::list_by_tenant_id(&pool, &tenant.tenant_id).await?;
    let ids: Vec<db::ids::UserId> = users.iter().map(|u| u.user_id).collect();
    let tags = db::user_tags::list_by_user_id_many(&pool, &ids).await?;
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
