//! The application's library: the generated code and the types its schema
//! names, shared by the binary and the tests.

/// The generated code: models and repositories for every table.
pub mod db {
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
