//! Connection settings for a pool or a single connection.
//!
//! The URL is kept as a [`Secret`]: `Debug` of a [`PoolConfig`] shows the host
//! and database but never the password, and every error message built from a
//! failed connection is scrubbed of it.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::error::{Error, Secret};

/// How TLS is used, with libpq's meaning of each `sslmode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SslMode {
    /// Plain TCP.
    Disable,
    /// TLS when the server offers it, plain otherwise; the certificate is not checked.
    #[default]
    Prefer,
    /// TLS or no connection; the certificate is not checked.
    Require,
    /// TLS, the certificate chain checked against the CA file (or the system's
    /// roots) and the host name checked against the certificate.
    VerifyFull,
}

impl FromStr for SslMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "disable" => Ok(SslMode::Disable),
            "prefer" => Ok(SslMode::Prefer),
            "require" => Ok(SslMode::Require),
            "verify-full" => Ok(SslMode::VerifyFull),
            "allow" | "verify-ca" => Err(Error::Config(format!(
                "sslmode `{s}` is not supported: use disable, prefer, require or verify-full"
            ))),
            other => Err(Error::Config(format!(
                "unknown sslmode `{other}`: use disable, prefer, require or verify-full"
            ))),
        }
    }
}

/// Which pool a configuration is for; decides the session settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    ReadWrite,
    ReadOnly,
}

/// Settings for a pool. Build one with [`PoolConfig::new`] or
/// Shared connections by default: see [`PoolConfig::shared_connections`].
const DEFAULT_SHARED: usize = 4;

/// [`PoolConfig::from_env`], then adjust it with the builder methods.
#[derive(Clone)]
pub struct PoolConfig {
    url: Secret,
    /// Where the URL came from, for messages ("DATABASE_URL").
    source: String,
    application: String,
    pub(crate) max_size: usize,
    pub(crate) shared: usize,
    pub(crate) connect_timeout: Duration,
    pub(crate) wait_timeout: Duration,
    pub(crate) idle: crate::idle::IdleSettings,
    ssl_mode: Option<SslMode>,
    ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for PoolConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolConfig")
            .field("url", &self.url)
            .field("source", &self.source)
            .field("application", &self.application)
            .field("max_size", &self.max_size)
            .field("shared", &self.shared)
            .field("connect_timeout", &self.connect_timeout)
            .field("wait_timeout", &self.wait_timeout)
            .field("min_idle", &self.idle.min_idle)
            .field("idle_timeout", &self.idle.idle_timeout)
            .field("ssl_mode", &self.ssl_mode)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl PoolConfig {
    /// A configuration for the given URL (`postgres://user:pass@host/db?sslmode=...`
    /// or libpq's `key=value` form).
    pub fn new(url: impl Into<String>) -> Self {
        PoolConfig {
            url: Secret::new(url),
            source: "the connection URL".to_owned(),
            application: "schemac".to_owned(),
            max_size: 16,
            shared: DEFAULT_SHARED,
            connect_timeout: Duration::from_secs(5),
            wait_timeout: Duration::from_secs(5),
            idle: crate::idle::IdleSettings::default(),
            ssl_mode: None,
            ca_file: None,
        }
    }

    /// Reads the URL from an environment variable.
    pub fn from_env(var: &str) -> Result<Self, Error> {
        let url = std::env::var(var).map_err(|_| {
            Error::Config(format!(
                "{var} is not set: set it to the database URL, e.g. postgres://user@host:5432/db"
            ))
        })?;
        let mut config = PoolConfig::new(url);
        config.source = var.to_owned();
        Ok(config)
    }

    /// The read-only pool's settings from the environment: `DATABASE_RO_URL`,
    /// or `DATABASE_URL` when that is not set.
    pub fn read_only_from_env() -> Result<Self, Error> {
        PoolConfig::read_only_for("DATABASE_URL")
    }

    /// The read-only settings that go with the read-write URL variable
    /// `url_env` (a database's `url_env` in schemac.toml): `AUTH_DATABASE_URL`
    /// → `AUTH_DATABASE_RO_URL`, falling back to `url_env` itself.
    pub fn read_only_for(url_env: &str) -> Result<Self, Error> {
        let variable = read_only_variable(url_env, |v| std::env::var_os(v).is_some());
        PoolConfig::from_env(&variable)
    }

    /// The application's name; sessions report `<name>_readwrite` or
    /// `<name>_readonly` as their `application_name`.
    pub fn application_name(mut self, name: impl Into<String>) -> Self {
        self.application = name.into();
        self
    }

    /// Connections the pool keeps open while idle (default 0), so that a
    /// burst after a quiet spell does not wait for new ones; opened by a task
    /// of the pool's, from its first checkout on.
    pub fn min_idle(mut self, count: usize) -> Self {
        self.idle.min_idle = count;
        self
    }

    /// Closes a connection idle for longer than this (default: never),
    /// `min_idle` of them excepted, so that a quiet application gives its
    /// server connections back.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle.idle_timeout = Some(timeout);
        self
    }

    /// The largest number of connections the pool opens.
    pub fn max_size(mut self, size: usize) -> Self {
        self.max_size = size.max(1);
        self
    }

    /// How many of the pool's connections single stateless statements
    /// (everything generated code runs outside a transaction) share,
    /// pipelined, instead of taking one each; 0 gives every statement a
    /// connection of its own. Default: 4, and never more than half of
    /// `max_size` (at least one), so that transactions and checkouts always
    /// find connections the shared ones do not hold. A shared connection is
    /// borrowed from the pool only while statements are in flight on it.
    pub fn shared_connections(mut self, count: usize) -> Self {
        self.shared = count;
        self
    }

    /// How long opening a connection may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a checkout may wait for a free connection.
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.wait_timeout = timeout;
        self
    }

    /// Overrides the URL's `sslmode`.
    pub fn ssl_mode(mut self, mode: SslMode) -> Self {
        self.ssl_mode = Some(mode);
        self
    }

    /// A PEM file of CA certificates for `verify-full` (overrides `sslrootcert`).
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// Turns the settings into a driver configuration, and the TLS settings
    /// that go with it.
    pub(crate) fn resolve(&self, role: Role) -> Result<Resolved, Error> {
        let (rest, extracted) = split_tls_params(self.url.expose());
        let mut pg = tokio_postgres::Config::from_str(&rest).map_err(|e| {
            Error::Config(format!(
                "{} is not a valid PostgreSQL connection string: {}",
                self.source,
                self.scrub(&crate::error::chain(&e))
            ))
        })?;
        let ssl_mode = match (self.ssl_mode, extracted.ssl_mode) {
            (Some(mode), _) => mode,
            (None, Some(text)) => text.parse()?,
            (None, None) => SslMode::default(),
        };
        let ca_file = self
            .ca_file
            .clone()
            .or(extracted.root_cert.map(PathBuf::from));
        let suffix = match role {
            Role::ReadWrite => "readwrite",
            Role::ReadOnly => "readonly",
        };
        pg.application_name(format!("{}_{suffix}", self.application));
        pg.connect_timeout(self.connect_timeout);
        if role == Role::ReadOnly {
            // A startup option, so it is the session default that RESET ALL
            // returns to when a connection is recycled.
            let options = match pg.get_options() {
                Some(existing) => format!("{existing} -c default_transaction_read_only=on"),
                None => "-c default_transaction_read_only=on".to_owned(),
            };
            pg.options(options);
        }
        pg.ssl_mode(match ssl_mode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyFull => tokio_postgres::config::SslMode::Require,
        });
        Ok(Resolved {
            target: describe_target(&pg),
            tls: crate::tls::connector(ssl_mode, ca_file.as_deref())?,
            pg,
        })
    }

    /// The error for a connection that could not be made to `target`,
    /// scrubbed of the password.
    pub(crate) fn cannot_connect(&self, target: &str, error: &dyn std::error::Error) -> Error {
        Error::Connect(self.scrub(&format!(
            "cannot connect to {target}: {}",
            crate::error::chain(error)
        )))
    }

    /// Removes the password from a message that might quote the URL.
    pub(crate) fn scrub(&self, message: &str) -> String {
        scrub(self.url.expose(), message)
    }
}

/// The variable the read-only pool reads: its own when set, else the
/// read-write pool's (one database, guarded by the session setting alone).
fn read_only_variable(url_env: &str, is_set: impl Fn(&str) -> bool) -> String {
    let own = match url_env.strip_suffix("_URL") {
        Some(base) => format!("{base}_RO_URL"),
        None => format!("{url_env}_RO"),
    };
    if is_set(&own) {
        own
    } else {
        url_env.to_owned()
    }
}

/// A configuration ready to connect with: the driver's settings and the TLS
/// connector that matches the `sslmode`.
pub(crate) struct Resolved {
    /// `host:port/dbname`, for messages: never the user or password.
    pub target: String,
    pub pg: tokio_postgres::Config,
    pub tls: tokio_postgres_rustls::MakeRustlsConnect,
}

fn describe_target(pg: &tokio_postgres::Config) -> String {
    use tokio_postgres::config::Host;
    let hosts: Vec<String> = pg
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let port = pg
                .get_ports()
                .get(i)
                .or(pg.get_ports().first())
                .copied()
                .unwrap_or(5432);
            match host {
                Host::Tcp(name) => format!("{name}:{port}"),
                Host::Unix(path) => format!("{}:{port}", path.display()),
            }
        })
        .collect();
    let hosts = if hosts.is_empty() {
        "localhost:5432".to_owned()
    } else {
        hosts.join(",")
    };
    format!(
        "{hosts}/{}",
        pg.get_dbname().unwrap_or("(default database)")
    )
}

#[derive(Default)]
struct TlsParams {
    ssl_mode: Option<String>,
    root_cert: Option<String>,
}

/// Takes `sslmode` and `sslrootcert` out of the URL: the driver knows neither
/// `verify-full` nor CA files, the TLS layer here handles both.
fn split_tls_params(url: &str) -> (String, TlsParams) {
    let mut params = TlsParams::default();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let Some((base, query)) = url.split_once('?') else {
            return (url.to_owned(), params);
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("sslmode", v)) => params.ssl_mode = Some(v.to_owned()),
                Some(("sslrootcert", v)) => params.root_cert = Some(percent_decode(v)),
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        (rest, params)
    } else {
        // key=value form; values with spaces are quoted and never hold these keys.
        let mut kept = Vec::new();
        for word in url.split_whitespace() {
            match word.split_once('=') {
                Some(("sslmode", v)) => params.ssl_mode = Some(v.trim_matches('\'').to_owned()),
                Some(("sslrootcert", v)) => {
                    params.root_cert = Some(v.trim_matches('\'').to_owned())
                }
                _ => kept.push(word),
            }
        }
        (kept.join(" "), params)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password in a URL (both the raw and the percent-decoded spelling) or in
/// a `password=` pair, replaced wherever it occurs in `message`.
pub(crate) fn scrub(url: &str, message: &str) -> String {
    let mut secrets = Vec::new();
    if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                secrets.push(password.to_owned());
                secrets.push(percent_decode(password));
            }
        }
        for pair in rest.split(['?', '&']) {
            if let Some(("password", v)) = pair.split_once('=') {
                secrets.push(v.to_owned());
                secrets.push(percent_decode(v));
            }
        }
    } else {
        for word in url.split_whitespace() {
            if let Some(("password", v)) = word.split_once('=') {
                secrets.push(v.trim_matches('\'').to_owned());
            }
        }
    }
    let mut out = message.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret.as_str(), "<redacted>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_params_leave_the_url() {
        let (rest, p) =
            split_tls_params("postgres://u:p@h/db?sslmode=verify-full&sslrootcert=%2Fca.pem&x=1");
        assert_eq!(rest, "postgres://u:p@h/db?x=1");
        assert_eq!(p.ssl_mode.as_deref(), Some("verify-full"));
        assert_eq!(p.root_cert.as_deref(), Some("/ca.pem"));
        let (rest, p) = split_tls_params("host=h sslmode=require user=u");
        assert_eq!(rest, "host=h user=u");
        assert_eq!(p.ssl_mode.as_deref(), Some("require"));
    }

    #[test]
    fn scrub_hides_raw_and_decoded_passwords() {
        let url = "postgres://u:p%40ss@h/db";
        assert_eq!(scrub(url, "x p@ss y p%40ss"), "x <redacted> y <redacted>");
        assert_eq!(scrub("host=h password=hunter2", "hunter2!"), "<redacted>!");
    }

    #[test]
    fn read_only_url_falls_back_to_the_read_write_one() {
        assert_eq!(
            read_only_variable("DATABASE_URL", |_| true),
            "DATABASE_RO_URL"
        );
        assert_eq!(
            read_only_variable("DATABASE_URL", |v| v == "DATABASE_URL"),
            "DATABASE_URL"
        );
        assert_eq!(
            read_only_variable("AUTH_DATABASE_URL", |_| true),
            "AUTH_DATABASE_RO_URL"
        );
    }

    #[test]
    fn read_only_sessions_start_read_only() {
        let config = PoolConfig::new("postgres://u@h/db?options=-c%20search_path%3Dapp")
            .application_name("shop");
        let ro = config.resolve(Role::ReadOnly).expect("valid");
        assert_eq!(
            ro.pg.get_options(),
            Some("-c search_path=app -c default_transaction_read_only=on")
        );
        assert_eq!(ro.pg.get_application_name(), Some("shop_readonly"));
        let rw = config.resolve(Role::ReadWrite).expect("valid");
        assert_eq!(rw.pg.get_options(), Some("-c search_path=app"));
        assert_eq!(rw.target, "h:5432/db");
    }

    #[test]
    fn debug_never_shows_the_url() {
        let config = PoolConfig::new("postgres://u:hunter2@h/db");
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
