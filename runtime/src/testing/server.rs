//! A throwaway PostgreSQL server: `DATABASE_URL` when it is set, else one
//! started from the installed binaries for this process alone.
//!
//! The server runs under a small shell that holds the read end of a pipe
//! whose write end only this process has: when the process ends, however
//! it ends (a panic, an abort, a kill), the pipe closes, the shell stops
//! the server and removes its directory. No server outlives its tests.

use std::io::Read as _;
use std::os::unix::fs::MetadataExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Where the tests' databases are made: a URL of a server on which the
/// user may create databases.
#[derive(Debug)]
pub struct TestServer {
    url: String,
    /// Kept open for the life of the process (see the module's comment).
    _watchdog: Option<Mutex<Child>>,
    /// The binaries it was started from; none for `DATABASE_URL`'s.
    bin: Option<PathBuf>,
}

/// Why no server could be had.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// No `DATABASE_URL`, and no PostgreSQL binaries to start one with.
    #[error(
        "no PostgreSQL server: DATABASE_URL is not set, and no PostgreSQL binaries were found \
         (looked in $PG_BIN, `pg_config --bindir`, /usr/lib/postgresql/*/bin and PATH). \
         Install them (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql`), \
         or set DATABASE_URL to a server where the user may create databases"
    )]
    NoBinaries,
    /// The binaries are there, and the server did not start.
    #[error("cannot start a throwaway PostgreSQL server from {}: {message}", bin.display())]
    Start {
        /// Where the binaries are.
        bin: PathBuf,
        /// What failed, with the server's log when it has one.
        message: String,
    },
}

impl TestServer {
    /// The URL of the server's `postgres` database, as a superuser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL of another database on the same server.
    pub fn url_for(&self, database: &str) -> String {
        with_database(&self.url, database)
    }

    /// The binaries this process started it from; none when it is
    /// `DATABASE_URL`'s server.
    pub fn throwaway_from(&self) -> Option<&Path> {
        self.bin.as_deref()
    }
}

/// The server of this process: `DATABASE_URL` when set (and not empty),
/// else a throwaway one, started on first use (about a second and a half)
/// and stopped when the process ends.
pub fn server() -> Result<&'static TestServer, &'static ServerError> {
    static SERVER: OnceLock<Result<TestServer, ServerError>> = OnceLock::new();
    SERVER
        .get_or_init(|| match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => Ok(TestServer {
                url,
                _watchdog: None,
                bin: None,
            }),
            _ => start(),
        })
        .as_ref()
}

/// The directory of PostgreSQL's programs: `PG_BIN`, `pg_config --bindir`,
/// the newest `/usr/lib/postgresql/*/bin` (Debian keeps them off PATH),
/// then PATH.
pub fn binaries() -> Option<PathBuf> {
    let has_initdb = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) = std::env::var_os("PG_BIN").map(PathBuf::from) {
        return has_initdb(&dir).then_some(dir);
    }
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(dir) = from_pg_config.filter(|d| has_initdb(d)) {
        return Some(dir);
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_initdb(dir))
        .collect();
    debian.sort();
    if let Some((_, dir)) = debian.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| has_initdb(dir))
}

fn start() -> Result<TestServer, ServerError> {
    let bin = binaries().ok_or(ServerError::NoBinaries)?;
    let fail = |message: String| ServerError::Start {
        bin: bin.clone(),
        message,
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("schemac-pg-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    // PostgreSQL refuses to run as root: as root, the server runs as the
    // `postgres` user (or `nobody`), which owns its directory.
    let owner = match running_as_root() {
        true => Some(unprivileged_user().ok_or_else(|| {
            fail("running as root, and there is no `postgres` or `nobody` user to run it as".into())
        })?),
        false => None,
    };
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
            .map_err(|e| fail(format!("cannot hand {} to uid {uid}: {e}", dir.display())))?;
    }
    let as_owner = |command: &mut Command| {
        if let Some((uid, gid)) = owner {
            command.uid(uid).gid(gid).env("HOME", &dir);
        }
    };
    let data = dir.join("data");
    let mut initdb = Command::new(bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "--no-instructions",
            "-E",
            "UTF8",
            "--locale=C",
        ])
        .stdin(Stdio::null());
    as_owner(&mut initdb);
    let out = initdb.output().map_err(|e| fail(format!("initdb: {e}")))?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(fail(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    tls(&dir, owner).map_err(|e| fail(format!("cannot set up TLS: {e}")))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| fail(format!("no free port: {e}")))?;
    // Durability off: a test database is thrown away, never recovered.
    let script = r#"
"$0" -D "$1/data" -k "$1" -p "$2" -c listen_addresses=127.0.0.1 -F \
  -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
  -c max_locks_per_transaction=256 -c autovacuum=off >"$1/log" 2>&1 &
pid=$!
read _ignored
kill -INT "$pid" 2>/dev/null
wait "$pid"
rm -rf "$1"
"#;
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg(script)
        .arg(bin.join("postgres"))
        .arg(&dir)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    as_owner(&mut shell);
    // Its own process group: a Ctrl-C to the tests is not the server's.
    shell.process_group(0);
    let watchdog = shell
        .spawn()
        .map_err(|e| fail(format!("cannot start the server: {e}")))?;
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let ready = Instant::now();
    loop {
        let probe = Command::new(bin.join("pg_isready"))
            .args([
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
            ])
            .status();
        if probe.is_ok_and(|s| s.success()) {
            break;
        }
        if ready.elapsed() > Duration::from_secs(30) {
            let mut log = String::new();
            let _ =
                std::fs::File::open(dir.join("log")).and_then(|mut f| f.read_to_string(&mut log));
            return Err(fail(format!(
                "not ready after 30 s; its log says:\n{}",
                log.trim()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(TestServer {
        url,
        _watchdog: Some(Mutex::new(watchdog)),
        bin: Some(bin),
    })
}

/// TLS with the machine's snake-oil certificate when it has one (Debian's
/// and Ubuntu's `ssl-cert`, which their PostgreSQL packages install), as
/// their own servers have it, so that tests of the TLS modes run against a
/// throwaway server too. The key is copied to the server's directory:
/// PostgreSQL wants it private to the user it runs as.
fn tls(dir: &Path, owner: Option<(u32, u32)>) -> std::io::Result<()> {
    let cert = Path::new("/etc/ssl/certs/ssl-cert-snakeoil.pem");
    let key = Path::new("/etc/ssl/private/ssl-cert-snakeoil.key");
    let (Ok(cert), Ok(key)) = (std::fs::read(cert), std::fs::read(key)) else {
        return Ok(());
    };
    use std::os::unix::fs::PermissionsExt as _;
    for (name, bytes) in [("server.crt", cert), ("server.key", key)] {
        let path = dir.join(name);
        std::fs::write(&path, bytes)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&path, Some(uid), Some(gid))?;
        }
    }
    let mut conf = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("data").join("postgresql.conf"))?;
    use std::io::Write as _;
    writeln!(
        conf,
        "ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'",
        dir.join("server.crt").display(),
        dir.join("server.key").display()
    )
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The uid and gid of `postgres`, else `nobody`, from /etc/passwd.
fn unprivileged_user() -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    ["postgres", "nobody"].iter().find_map(|wanted| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            match fields.as_slice() {
                [name, _, uid, gid, ..] if name == wanted => {
                    Some((uid.parse().ok()?, gid.parse().ok()?))
                }
                _ => None,
            }
        })
    })
}

/// The URL (or key=value connection string) with another database name.
pub fn with_database(url: &str, name: &str) -> String {
    if let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    {
        let scheme = &url[..url.len() - rest.len()];
        let (before, query) = match rest.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (rest, String::new()),
        };
        let authority = before.split_once('/').map_or(before, |(a, _)| a);
        return format!("{scheme}{authority}/{name}{query}");
    }
    let kept: Vec<&str> = url
        .split_whitespace()
        .filter(|kv| !kv.starts_with("dbname="))
        .collect();
    format!("{} dbname={name}", kept.join(" "))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn another_database_on_the_same_server() {
        assert_eq!(
            with_database("postgres://u@h:5432/app?sslmode=require", "s"),
            "postgres://u@h:5432/s?sslmode=require"
        );
        assert_eq!(with_database("postgres://u@h", "s"), "postgres://u@h/s");
        assert_eq!(
            with_database("host=h dbname=app user=u", "s"),
            "host=h user=u dbname=s"
        );
    }
}
