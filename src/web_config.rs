//! `--web.config.file` in the Prometheus exporter-toolkit format: TLS
//! (`tls_server_config`), basic auth (`basic_auth_users`, bcrypt) and extra
//! response headers (`http_server_config.headers`).
//!
//! The file is read once at start (a bad file is a configuration error) and
//! then again on SIGHUP and whenever it, or a certificate or key it names,
//! changes. A reload that fails keeps the settings in force and logs why, so
//! a half-written certificate never takes the endpoint down.

mod auth;
mod tls;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use hyper::header::{HeaderName, HeaderValue};
use serde::Deserialize;

pub use auth::BasicAuth;

/// How often the files are compared with what was loaded. Reading a few
/// small files every few seconds costs nothing and catches certificate
/// rotation by tools that do not send SIGHUP (cert-manager, certbot hooks).
const CHECK_INTERVAL: Duration = Duration::from_secs(3);

/// The settings in force for new connections.
pub struct WebSettings {
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    pub auth: Option<Arc<BasicAuth>>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub http2: bool,
}

impl WebSettings {
    /// No web config file: plain HTTP, no auth.
    pub fn plain() -> WebSettings {
        WebSettings {
            tls: None,
            auth: None,
            headers: Vec::new(),
            http2: true,
        }
    }
}

/// What is wrong with a web config file, naming the field.
#[derive(Debug, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct WebConfigError {
    pub field: String,
    pub problem: String,
}

pub(crate) fn error(field: impl Into<String>, problem: impl Into<String>) -> WebConfigError {
    WebConfigError {
        field: field.into(),
        problem: problem.into(),
    }
}

/// The file as written. No `Debug`: it holds password hashes and may hold a
/// private key, and nothing here may end up in a log line.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    tls_server_config: Option<tls::TlsFile>,
    #[serde(default)]
    http_server_config: HttpFile,
    #[serde(default)]
    basic_auth_users: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpFile {
    #[serde(default = "yes")]
    http2: bool,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

impl Default for HttpFile {
    fn default() -> Self {
        HttpFile {
            http2: true,
            headers: BTreeMap::new(),
        }
    }
}

fn yes() -> bool {
    true
}

/// The headers the toolkit lets a web config set, with the values it
/// accepts where those form a closed set. Same list, so one file works for
/// every exporter.
const ALLOWED_HEADERS: [(&str, &[&str]); 5] = [
    ("Strict-Transport-Security", &[]),
    ("X-Content-Type-Options", &["nosniff"]),
    ("X-Frame-Options", &["deny", "sameorigin"]),
    ("X-XSS-Protection", &[]),
    ("Content-Security-Policy", &[]),
];

/// Everything read from disk for one load, hashed, so a reload can tell
/// whether anything changed without building a TLS config each time.
pub(crate) struct Sources {
    digest: ring::digest::Context,
}

impl Sources {
    fn new() -> Sources {
        Sources {
            digest: ring::digest::Context::new(&ring::digest::SHA256),
        }
    }

    /// Reads `path` and mixes what was found (or that it was missing) into
    /// the fingerprint.
    pub(crate) fn read(&mut self, field: &str, path: &Path) -> Result<Vec<u8>, WebConfigError> {
        self.digest.update(path.as_os_str().as_encoded_bytes());
        match std::fs::read(path) {
            Ok(bytes) => {
                self.digest.update(&(bytes.len() as u64).to_be_bytes());
                self.digest.update(&bytes);
                Ok(bytes)
            }
            Err(e) => {
                self.digest.update(b"\0unreadable\0");
                self.digest.update(e.to_string().as_bytes());
                Err(error(field, format!("cannot read {}: {e}", path.display())))
            }
        }
    }

    fn fingerprint(self) -> [u8; 32] {
        let mut out = [0; 32];
        out.copy_from_slice(self.digest.finish().as_ref());
        out
    }
}

/// Reads and checks the file and every file it names.
pub fn load(path: &Path) -> Result<WebSettings, WebConfigError> {
    load_with_fingerprint(path).1
}

fn load_with_fingerprint(path: &Path) -> ([u8; 32], Result<WebSettings, WebConfigError>) {
    let mut sources = Sources::new();
    let result = build(path, &mut sources);
    (sources.fingerprint(), result)
}

fn build(path: &Path, sources: &mut Sources) -> Result<WebSettings, WebConfigError> {
    let bytes = sources.read("file", path)?;
    let text = String::from_utf8(bytes).map_err(|_| error("file", "not UTF-8 text"))?;
    let file = parse(&text)?;
    // Relative paths are relative to the file, as in the toolkit.
    let dir = path.parent().unwrap_or(Path::new("."));
    let http2 = file.http_server_config.http2;
    let tls = match &file.tls_server_config {
        Some(t) if t.enabled() => Some(tokio_rustls::TlsAcceptor::from(tls::server_config(
            t, dir, http2, sources,
        )?)),
        _ => None,
    };
    let auth = if file.basic_auth_users.is_empty() {
        None
    } else {
        Some(Arc::new(BasicAuth::new(file.basic_auth_users)?))
    };
    let headers = headers(&file.http_server_config.headers)?;
    Ok(WebSettings {
        tls,
        auth,
        headers,
        http2,
    })
}

fn parse(text: &str) -> Result<File, WebConfigError> {
    let deserializer = serde_norway::Deserializer::from_str(text);
    let file: Option<File> = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        // Serde quotes the offending value in some messages; under these
        // keys that value is a password hash or a private key.
        let secret = path.starts_with("basic_auth_users") || path == "tls_server_config.key";
        let problem = if secret {
            "invalid value (not shown: it is secret)".to_owned()
        } else {
            e.inner().to_string().replace('\n', " ")
        };
        error(if path == "." { "file" } else { &path }, problem)
    })?;
    // An empty file is valid and means "no TLS, no auth", as in the toolkit.
    Ok(file.unwrap_or_default())
}

fn headers(
    given: &BTreeMap<String, String>,
) -> Result<Vec<(HeaderName, HeaderValue)>, WebConfigError> {
    let mut out = Vec::new();
    for (name, value) in given {
        let field = format!("http_server_config.headers.{name}");
        let Some((canonical, allowed)) = ALLOWED_HEADERS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        else {
            let names: Vec<&str> = ALLOWED_HEADERS.iter().map(|(n, _)| *n).collect();
            return Err(error(
                field,
                format!(
                    "this header can not be configured; allowed: {}",
                    names.join(", ")
                ),
            ));
        };
        if !allowed.is_empty() && !allowed.contains(&value.as_str()) {
            return Err(error(
                field,
                format!("invalid value {value:?}, expected one of {allowed:?}"),
            ));
        }
        let value = HeaderValue::from_str(value)
            .map_err(|_| error(&field, format!("invalid header value {value:?}")))?;
        let name = HeaderName::from_bytes(canonical.as_bytes())
            .map_err(|_| error(&field, "invalid header name"))?;
        out.push((name, value));
    }
    Ok(out)
}

/// The settings in force, swapped whole on a successful reload. Connections
/// take a snapshot when they are accepted, so one connection never sees two
/// configurations.
pub struct WebState {
    path: Option<PathBuf>,
    current: RwLock<Arc<WebSettings>>,
    /// Fingerprint of what was last tried, good or bad: a bad file is
    /// reported once, not every few seconds.
    last_seen: Mutex<[u8; 32]>,
}

impl WebState {
    /// Loads the file; at start a bad file is fatal.
    pub fn load(path: Option<&Path>) -> Result<WebState, WebConfigError> {
        let (fingerprint, settings) = match path {
            Some(path) => {
                let (fingerprint, result) = load_with_fingerprint(path);
                (fingerprint, result?)
            }
            None => ([0; 32], WebSettings::plain()),
        };
        Ok(WebState {
            path: path.map(Path::to_owned),
            current: RwLock::new(Arc::new(settings)),
            last_seen: Mutex::new(fingerprint),
        })
    }

    pub fn current(&self) -> Arc<WebSettings> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn describe(&self) -> String {
        let settings = self.current();
        format!(
            "tls={} basic_auth={} http2={}",
            settings.tls.is_some(),
            settings.auth.is_some(),
            settings.http2
        )
    }

    /// Reloads on SIGHUP and when a file changed, until the process ends.
    pub async fn watch(self: Arc<Self>) {
        use tokio::signal::unix::{SignalKind, signal};
        // Installing the handler also keeps SIGHUP from killing the process
        // when there is no file to reload.
        let mut hangup = match signal(SignalKind::hangup()) {
            Ok(hangup) => Some(hangup),
            Err(e) => {
                tracing::warn!("cannot watch SIGHUP: {e}");
                None
            }
        };
        let mut tick = tokio::time::interval(CHECK_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let forced = tokio::select! {
                Some(()) = async { match hangup.as_mut() { Some(h) => h.recv().await, None => None } } => true,
                _ = tick.tick() => false,
            };
            if forced && self.path.is_none() {
                tracing::info!("SIGHUP received; no web config file to reload");
                continue;
            }
            let state = Arc::clone(&self);
            // Reading files and building a TLS config is blocking work.
            let _ = tokio::task::spawn_blocking(move || state.reload(forced)).await;
        }
    }

    /// Loads the file again when it changed (or always when `forced`) and
    /// swaps the settings if it is valid.
    pub fn reload(&self, forced: bool) {
        let Some(path) = &self.path else { return };
        let (fingerprint, result) = load_with_fingerprint(path);
        {
            let mut last = match self.last_seen.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            if !forced && *last == fingerprint {
                return;
            }
            *last = fingerprint;
        }
        match result {
            Ok(settings) => {
                let settings = Arc::new(settings);
                match self.current.write() {
                    Ok(mut guard) => *guard = settings,
                    Err(poisoned) => *poisoned.into_inner() = settings,
                }
                tracing::info!(file = %path.display(), settings = %self.describe(), "web config reloaded");
            }
            Err(e) => tracing::warn!(
                file = %path.display(),
                "web config not reloaded, keeping the previous one: {e}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_plain() {
        let file = parse("").unwrap();
        assert!(file.tls_server_config.is_none());
        assert!(file.basic_auth_users.is_empty());
        assert!(file.http_server_config.http2);
        let file = parse("# nothing\n").unwrap();
        assert!(file.basic_auth_users.is_empty());
    }

    #[test]
    fn unknown_fields_are_named() {
        let e = parse("tls_server_config:\n  cert_fil: x\n").err().unwrap();
        assert_eq!(e.field, "tls_server_config.cert_fil");
        assert!(e.problem.contains("unknown field"), "{}", e.problem);
    }

    #[test]
    fn secrets_are_not_quoted_in_errors() {
        let e = parse("basic_auth_users: \"$2y$10$secret\"\n")
            .err()
            .unwrap();
        assert!(!e.to_string().contains("secret\""), "{e}");
        assert!(!e.to_string().contains("$2y$"), "{e}");
    }

    #[test]
    fn headers_follow_the_toolkit_list() {
        let ok = |k: &str, v: &str| headers(&BTreeMap::from([(k.to_owned(), v.to_owned())]));
        assert!(ok("X-Frame-Options", "deny").is_ok());
        assert!(ok("X-Frame-Options", "allow").is_err());
        assert!(ok("X-Content-Type-Options", "nosniff").is_ok());
        assert!(ok("Strict-Transport-Security", "max-age=31536000").is_ok());
        let e = ok("Server", "x").err().unwrap();
        assert_eq!(e.field, "http_server_config.headers.Server");
    }
}
