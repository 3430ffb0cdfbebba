//! The Rust code `schemac generate` wrote for each example, compiled as one
//! crate so that `cargo clippy --workspace -- -D warnings` checks it. The
//! modules below the examples stand in for the application types the schemas
//! name with `rust_type`.

// schemac formats the generated modules itself (prettyplease); rustfmt would
// make them differ from a fresh run, so it skips them.
#[rustfmt::skip]
#[path = "campus/rust/mod.rs"]
pub mod campus;
#[rustfmt::skip]
#[path = "gifting/rust/mod.rs"]
pub mod gifting;
#[rustfmt::skip]
#[path = "marketplace/rust/mod.rs"]
pub mod marketplace;
#[rustfmt::skip]
#[path = "multitenant/rust/mod.rs"]
pub mod multitenant;
#[rustfmt::skip]
#[path = "names/rust/mod.rs"]
pub mod names;
#[rustfmt::skip]
#[path = "saas/rust/mod.rs"]
pub mod saas;

use schemac_runtime::serde::{Deserialize, Serialize};

/// `rust_type: crate::gifts::GiftMetadata` (gifting).
pub mod gifts {
    use super::*;

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
    #[serde(crate = "schemac_runtime::serde")]
    pub struct GiftMetadata {
        #[serde(default)]
        pub wrapping: Option<String>,
    }
}

/// `rust_type: Vec<crate::chat::Attachment>` (marketplace).
pub mod chat {
    use super::*;

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(crate = "schemac_runtime::serde")]
    pub struct Attachment {
        pub url: String,
        #[serde(default)]
        pub mime: Option<String>,
    }
}

/// `rust_type: crate::tenants::TenantSettings` (multitenant).
pub mod tenants {
    use super::*;

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(crate = "schemac_runtime::serde")]
    pub struct TenantSettings {
        pub locale: String,
        pub features: Vec<String>,
    }
}

/// `rust_type: crate::users::IdpUserInfo` (multitenant).
pub mod users {
    use super::*;

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(crate = "schemac_runtime::serde")]
    pub struct IdpUserInfo {
        pub subject: String,
        #[serde(default)]
        pub groups: Vec<String>,
    }
}
