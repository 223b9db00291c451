//! Flags, environment and the TOML file, validated once into typed structs.
//!
//! Every source is first brought into the same shape ([`Flags`], all text),
//! merged (flag/env over file over default), then validated in one place so a
//! bad value gives the same one-line error wherever it came from.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::cli::Flags;
use crate::probe::ProbeKind;

mod twingate;

pub use twingate::{API_KEY_ENV, AdminApiConfig, ApiKey, TwingateConfig};

pub const DEFAULT_CLOCK_SERVERS: [&str; 3] =
    ["pool.ntp.org", "time.cloudflare.com", "time.google.com"];
pub const DEFAULT_STUN_SERVERS: [&str; 2] = ["stun.l.google.com:19302", "stun.cloudflare.com:3478"];

#[derive(Clone, Debug)]
pub struct Config {
    /// The probes to run, in a fixed order.
    pub probes: Vec<ProbeKind>,
    pub web: WebConfig,
    pub clock: ClockConfig,
    pub stun: StunConfig,
    pub connector: ConnectorConfig,
    pub host: HostConfig,
    pub twingate: TwingateConfig,
    pub storage_path: Option<PathBuf>,
    pub log: LogConfig,
}

#[derive(Clone, Debug)]
pub struct WebConfig {
    pub listen_addresses: Vec<ListenAddress>,
    /// Serve on the sockets systemd passed instead of `listen_addresses`.
    pub systemd_socket: bool,
    /// Whether `process_*` (the exporter's own process) is exported.
    pub exporter_metrics: bool,
    pub telemetry_path: String,
    pub config_file: Option<PathBuf>,
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_header_bytes: usize,
}

#[derive(Clone, Debug)]
pub struct ClockConfig {
    /// NTP servers; empty when `--clock.server=` turned NTP off.
    pub servers: Vec<ServerAddress>,
    /// HTTPS servers whose `Date` is measured; by default the controller.
    pub http_servers: Vec<crate::https::HttpsUrl>,
    /// Trust for the HTTPS servers; built only when there are any.
    pub http_tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    /// The controller's URL when the network is known, to tell its offset
    /// (the number the controller itself judges) from the others.
    pub controller: Option<crate::https::HttpsUrl>,
    pub tolerance: Duration,
    pub samples: u32,
    pub interval: Duration,
    pub timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct StunConfig {
    pub servers: Vec<ServerAddress>,
    pub interval: Duration,
    pub timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct ConnectorConfig {
    /// Executable name or path; empty when the process source is off.
    pub process: String,
    /// Empty when the systemd source is off.
    pub systemd_unit: String,
    pub metrics_url: Option<String>,
    pub interval: Duration,
    pub timeout: Duration,
    /// What `connector_traffic_direct_ratio` looks back over.
    pub traffic_window: Duration,
    /// Below this many bytes in the window there is no ratio.
    pub traffic_min_bytes: u64,
}

#[derive(Clone, Debug)]
pub struct HostConfig {
    pub include_loopback: bool,
    pub include_link_local: bool,
    pub interval: Duration,
    pub timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct LogConfig {
    pub level: String,
    pub format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// `key=value` pairs, as the Prometheus exporters log; `text` is an alias.
    Logfmt,
    Json,
}

/// A server as host[:port]. The host stays a name so it is resolved each
/// round: a changed DNS record is picked up without a restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAddress {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for ServerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Where to listen. `:port` means every address, IPv6 and IPv4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListenAddress {
    AllInterfaces(u16),
    Socket(SocketAddr),
}

/// A configuration error: exit code 2 and this one line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid value {value:?} for {field}: {problem}")]
    Value {
        field: &'static str,
        value: String,
        problem: String,
    },
    /// For values that must not be repeated (the API key).
    #[error("{field}: {problem}")]
    Field {
        field: &'static str,
        problem: String,
    },
    #[error("config file {path}: {problem}")]
    File { path: PathBuf, problem: String },
    #[error("web config file {path}: {problem}")]
    WebFile { path: PathBuf, problem: String },
}

fn invalid(field: &'static str, value: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Value {
        field,
        value: value.to_owned(),
        problem: problem.into(),
    }
}

impl Config {
    /// Merges flags (which already include the environment) over the file
    /// named by `--config.file`, then validates.
    pub fn load(mut flags: Flags) -> Result<Config, ConfigError> {
        // Never a flag: a value on the command line shows in `ps`.
        flags.twingate_api_key = twingate::key_from_env();
        let merged = match &flags.config_file {
            Some(path) => merge(flags.clone(), read_file(path)?),
            None => flags,
        };
        let config = Config::from_flags(&merged)?;
        // Checked here so a bad web config is a configuration error (exit
        // 2) like any other; `run` loads it again for use.
        if let Some(path) = &config.web.config_file {
            crate::web_config::load(path).map_err(|e| ConfigError::WebFile {
                path: path.clone(),
                problem: e.to_string(),
            })?;
        }
        Ok(config)
    }

    pub fn from_flags(f: &Flags) -> Result<Config, ConfigError> {
        let listen = if f.web_listen_address.is_empty() {
            vec![":10150".to_owned()]
        } else {
            f.web_listen_address.clone()
        };
        let telemetry_path = f.web_telemetry_path.clone().unwrap_or("/metrics".into());
        if !telemetry_path.starts_with('/') || telemetry_path.len() < 2 {
            return Err(invalid(
                "web.telemetry-path",
                &telemetry_path,
                "must start with / and name a path other than /",
            ));
        }
        let connector_metrics_url = f
            .connector_metrics_url
            .as_deref()
            .filter(|u| !u.is_empty())
            .map(|u| parse_http_url("connector.metrics-url", u))
            .transpose()?;
        let level = f.log_level.clone().unwrap_or("info".into());
        if !["error", "warn", "info", "debug", "trace"].contains(&level.as_str()) {
            return Err(invalid(
                "log.level",
                &level,
                "expected error, warn, info, debug or trace",
            ));
        }
        let format = match f.log_format.as_deref().unwrap_or("logfmt") {
            "logfmt" | "text" => LogFormat::Logfmt,
            "json" => LogFormat::Json,
            other => return Err(invalid("log.format", other, "expected logfmt or json")),
        };
        let twingate = twingate::from_flags(f)?;
        let controller = twingate.controller_url();
        let http_servers = http_servers(&f.clock_http_server, controller.as_ref())?;
        let mut disabled = Vec::new();
        for name in &f.probe_disable {
            let kind = ProbeKind::ALL
                .into_iter()
                .find(|k| k.as_str() == name.trim())
                .ok_or_else(|| {
                    invalid(
                        "probe.disable",
                        name,
                        "expected clock, stun, connector, host or admin_api",
                    )
                })?;
            disabled.push(kind);
        }
        // Switches come after the list, last one winning: `--probe.stun`
        // turns back on what a file's `disable` list turned off.
        for (name, on) in &f.probe_switch {
            let kind = ProbeKind::ALL
                .into_iter()
                .find(|k| k.as_str() == name)
                .ok_or_else(|| {
                    let known: Vec<_> = ProbeKind::ALL.iter().map(|k| k.as_str()).collect();
                    invalid(
                        "probe",
                        name,
                        format!("unknown probe: expected one of {}", known.join(", ")),
                    )
                })?;
            disabled.retain(|k| *k != kind);
            if !on {
                disabled.push(kind);
            }
        }
        // The Admin API probe is off unless it has a key and an address.
        let admin_api = twingate.admin_api().is_some();
        let config = Config {
            probes: ProbeKind::ALL
                .into_iter()
                .filter(|k| !disabled.contains(k))
                .filter(|k| *k != ProbeKind::AdminApi || admin_api)
                .collect(),
            web: WebConfig {
                listen_addresses: listen
                    .iter()
                    .map(|a| parse_listen_address(a))
                    .collect::<Result<_, _>>()?,
                systemd_socket: f.web_systemd_socket,
                exporter_metrics: !f.web_disable_exporter_metrics,
                telemetry_path,
                config_file: f
                    .web_config_file
                    .as_deref()
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from),
                max_connections: count(
                    "web.max-connections",
                    f.web_max_connections.as_deref(),
                    512,
                )?,
                header_read_timeout: duration(
                    "web.header-read-timeout",
                    f.web_header_read_timeout.as_deref(),
                    "5s",
                )?,
                idle_timeout: duration("web.idle-timeout", f.web_idle_timeout.as_deref(), "2m")?,
                max_header_bytes: header_bytes(f.web_max_header_bytes.as_deref())?,
            },
            clock: ClockConfig {
                servers: ntp_servers(&f.clock_server)?,
                http_servers: http_servers.clone(),
                http_tls: match http_servers.is_empty() {
                    true => None,
                    false => Some(http_tls(f.clock_http_ca_file.as_deref())?),
                },
                controller: controller.clone(),
                tolerance: duration("clock.tolerance", f.clock_tolerance.as_deref(), "5s")?,
                samples: count("clock.samples", f.clock_samples.as_deref(), 4)?,
                interval: duration("clock.interval", f.clock_interval.as_deref(), "64s")?,
                timeout: duration("clock.timeout", f.clock_timeout.as_deref(), "10s")?,
            },
            stun: StunConfig {
                servers: servers("stun.server", &f.stun_server, &DEFAULT_STUN_SERVERS, 3478)?,
                interval: duration("stun.interval", f.stun_interval.as_deref(), "60s")?,
                timeout: duration("stun.timeout", f.stun_timeout.as_deref(), "10s")?,
            },
            connector: ConnectorConfig {
                // Empty turns the source off (a connector seen only through
                // its metrics endpoint, or a host whose systemd is not its).
                process: f
                    .connector_process
                    .clone()
                    .unwrap_or_else(|| "twingate-connector".into()),
                systemd_unit: f
                    .connector_systemd_unit
                    .clone()
                    .unwrap_or_else(|| "twingate-connector.service".into()),
                metrics_url: connector_metrics_url,
                interval: duration("connector.interval", f.connector_interval.as_deref(), "5s")?,
                timeout: duration("connector.timeout", f.connector_timeout.as_deref(), "3s")?,
                traffic_window: duration(
                    "connector.traffic-window",
                    f.connector_traffic_window.as_deref(),
                    "15m",
                )?,
                traffic_min_bytes: byte_size(
                    "connector.traffic-min-bytes",
                    f.connector_traffic_min_bytes.as_deref(),
                    1 << 20,
                )?,
            },
            host: HostConfig {
                include_loopback: f.host_include_loopback,
                include_link_local: f.host_include_link_local,
                interval: duration("host.interval", f.host_interval.as_deref(), "60s")?,
                timeout: duration("host.timeout", f.host_timeout.as_deref(), "5s")?,
            },
            twingate,
            storage_path: f
                .storage_path
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
            log: LogConfig { level, format },
        };
        Ok(config)
    }
}

/// Parses `500ms`, `5s`, `2m`, `1h` (and combinations such as `1m30s`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let parsed = humantime::parse_duration(text.trim())
        .map_err(|_| "expected a duration like 500ms, 5s or 2m".to_owned())?;
    if parsed.is_zero() {
        return Err("must be longer than zero".to_owned());
    }
    Ok(parsed)
}

fn duration(
    field: &'static str,
    value: Option<&str>,
    default: &str,
) -> Result<Duration, ConfigError> {
    let text = value.unwrap_or(default);
    parse_duration(text).map_err(|problem| invalid(field, text, problem))
}

fn count<T: TryFrom<u64>>(
    field: &'static str,
    value: Option<&str>,
    default: T,
) -> Result<T, ConfigError> {
    let Some(text) = value else {
        return Ok(default);
    };
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| invalid(field, text, "expected a whole number greater than zero"))
}

/// A byte count, bare or with a binary or decimal unit: `1048576`,
/// `512KiB`, `1MiB`, `10MB`.
fn byte_size(field: &'static str, value: Option<&str>, default: u64) -> Result<u64, ConfigError> {
    let Some(text) = value else {
        return Ok(default);
    };
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "kB" | "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        _ => 0,
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            invalid(
                field,
                text,
                "expected a byte count greater than zero, like 1048576, 512KiB or 1MiB",
            )
        })
}

/// hyper cannot work with a smaller read buffer than 8 KiB.
fn header_bytes(value: Option<&str>) -> Result<usize, ConfigError> {
    let bytes: usize = count("web.max-header-bytes", value, 16384)?;
    if bytes < 8192 {
        return Err(invalid(
            "web.max-header-bytes",
            value.unwrap_or_default(),
            "must be at least 8192",
        ));
    }
    Ok(bytes)
}

fn servers(
    field: &'static str,
    given: &[String],
    defaults: &[&str],
    default_port: u16,
) -> Result<Vec<ServerAddress>, ConfigError> {
    let list: Vec<&str> = if given.is_empty() {
        defaults.to_vec()
    } else {
        given.iter().map(String::as_str).collect()
    };
    list.into_iter()
        .map(|s| parse_server(s, default_port).map_err(|p| invalid(field, s, p)))
        .collect()
}

/// `--clock.server=` (only empty values) turns NTP off, for hosts where
/// only the HTTPS servers can be reached.
fn ntp_servers(given: &[String]) -> Result<Vec<ServerAddress>, ConfigError> {
    if !given.is_empty() && given.iter().all(|s| s.trim().is_empty()) {
        return Ok(Vec::new());
    }
    servers("clock.server", given, &DEFAULT_CLOCK_SERVERS, 123)
}

/// The HTTPS clock servers: as given (only empty values: none), else the
/// controller when the network is known. Given servers replace the default
/// like every server list; name the controller among them to keep it.
fn http_servers(
    given: &[String],
    controller: Option<&crate::https::HttpsUrl>,
) -> Result<Vec<crate::https::HttpsUrl>, ConfigError> {
    if given.is_empty() {
        return Ok(controller.into_iter().cloned().collect());
    }
    let mut urls: Vec<crate::https::HttpsUrl> = Vec::new();
    for text in given.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let url = crate::https::HttpsUrl::parse(text)
            .map_err(|p| invalid("clock.http-server", text, p))?;
        if !urls.contains(&url) {
            urls.push(url);
        }
    }
    Ok(urls)
}

fn http_tls(ca_file: Option<&str>) -> Result<std::sync::Arc<rustls::ClientConfig>, ConfigError> {
    let ca_file = ca_file.filter(|p| !p.is_empty());
    crate::https::client_config(ca_file.map(Path::new)).map_err(|e| {
        invalid(
            "clock.http-ca-file",
            ca_file.unwrap_or_default(),
            e.to_string(),
        )
    })
}

/// host, host:port, IPv6 literal, or [IPv6]:port.
pub fn parse_server(text: &str, default_port: u16) -> Result<ServerAddress, String> {
    let text = text.trim();
    let bad_port = |p: &str| format!("bad port {p:?}: expected 1-65535");
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("missing ] after IPv6 address")?;
        let port = match after.strip_prefix(':') {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad_port(p))?,
            None if after.is_empty() => default_port,
            None => return Err(format!("unexpected {after:?} after ]")),
        };
        host.parse::<Ipv6Addr>()
            .map_err(|_| format!("{host:?} is not an IPv6 address"))?;
        (host.to_owned(), port)
    } else if text.parse::<Ipv6Addr>().is_ok() {
        (text.to_owned(), default_port)
    } else if let Some((host, p)) = text.rsplit_once(':') {
        let port = p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| bad_port(p))?;
        (host.to_owned(), port)
    } else {
        (text.to_owned(), default_port)
    };
    let valid_name = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    if !valid_name {
        return Err("expected host[:port]".to_owned());
    }
    Ok(ServerAddress { host, port })
}

fn parse_listen_address(text: &str) -> Result<ListenAddress, ConfigError> {
    let field = "web.listen-address";
    if let Some(port) = text.strip_prefix(':') {
        return port
            .parse::<u16>()
            .map(ListenAddress::AllInterfaces)
            .map_err(|_| invalid(field, text, "expected :port or address:port"));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(ListenAddress::Socket(addr));
    }
    if let Some(Ok(port)) = text.strip_prefix("localhost:").map(str::parse::<u16>) {
        return Ok(ListenAddress::Socket(SocketAddr::new(
            IpAddr::from([127, 0, 0, 1]),
            port,
        )));
    }
    Err(invalid(
        field,
        text,
        "expected :port, IPv4:port or [IPv6]:port",
    ))
}

fn parse_http_url(field: &'static str, text: &str) -> Result<String, ConfigError> {
    let rest = text
        .strip_prefix("http://")
        .ok_or_else(|| invalid(field, text, "expected an http:// URL"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || parse_server(authority, 80).is_err() {
        return Err(invalid(field, text, "expected http://host:port/path"));
    }
    Ok(text.to_owned())
}

/// The TOML file: nested tables whose dotted keys are the flag names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    #[serde(default)]
    probe: ProbeFile,
    #[serde(default)]
    web: WebFile,
    #[serde(default)]
    clock: ClockFile,
    #[serde(default)]
    stun: StunFile,
    #[serde(default)]
    connector: ConnectorFile,
    #[serde(default)]
    host: HostFile,
    #[serde(default)]
    twingate: TwingateFile,
    #[serde(default)]
    storage: StorageFile,
    #[serde(default)]
    log: LogFile,
}

/// `disable = [...]` and one `NAME = true|false` switch per probe; the
/// switch names are checked in `from_flags` (serde cannot deny unknown
/// fields beside a flattened map).
#[derive(Debug, Default, Deserialize)]
struct ProbeFile {
    disable: Option<Vec<String>>,
    #[serde(flatten)]
    switch: std::collections::BTreeMap<String, bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WebFile {
    listen_address: Option<Vec<String>>,
    systemd_socket: Option<bool>,
    disable_exporter_metrics: Option<bool>,
    telemetry_path: Option<String>,
    config: Option<WebConfigFileKey>,
    max_connections: Option<u64>,
    header_read_timeout: Option<String>,
    idle_timeout: Option<String>,
    max_header_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebConfigFileKey {
    file: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ClockFile {
    server: Option<Vec<String>>,
    http_server: Option<Vec<String>>,
    http_ca_file: Option<String>,
    tolerance: Option<String>,
    samples: Option<u64>,
    interval: Option<String>,
    timeout: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct StunFile {
    server: Option<Vec<String>>,
    interval: Option<String>,
    timeout: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConnectorFile {
    process: Option<String>,
    systemd_unit: Option<String>,
    metrics_url: Option<String>,
    interval: Option<String>,
    timeout: Option<String>,
    traffic_window: Option<String>,
    traffic_min_bytes: Option<ByteCount>,
}

/// A byte count in the file: a number, or text with a unit (`"1MiB"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ByteCount {
    Number(u64),
    Text(String),
}

impl ByteCount {
    fn into_text(self) -> String {
        match self {
            ByteCount::Number(n) => n.to_string(),
            ByteCount::Text(t) => t,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct HostFile {
    interval: Option<String>,
    timeout: Option<String>,
    include_loopback: Option<bool>,
    include_link_local: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct TwingateFile {
    network: Option<String>,
    api_url: Option<String>,
    api_key_file: Option<String>,
    ca_file: Option<String>,
    connector: Option<String>,
    interval: Option<String>,
    timeout: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StorageFile {
    path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogFile {
    level: Option<String>,
    format: Option<String>,
}

fn read_file(path: &Path) -> Result<Flags, ConfigError> {
    let file_error = |problem: String| ConfigError::File {
        path: path.to_owned(),
        problem,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
    // Parse to a table first so syntax errors and field errors are told apart,
    // then deserialize with the path of the offending key for the message.
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let message = e.message().replace('\n', " ");
        file_error(match line {
            Some(line) => format!("line {line}: {message}"),
            None => message,
        })
    })?;
    let file: FileConfig =
        serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
            let path = e.path().to_string();
            let message = e.inner().message().replace('\n', " ");
            file_error(if path == "." {
                message
            } else {
                format!("{path}: {message}")
            })
        })?;
    let number = |n: Option<u64>| n.map(|n| n.to_string());
    Ok(Flags {
        config_file: None,
        probe_disable: file.probe.disable.unwrap_or_default(),
        probe_switch: file.probe.switch.into_iter().collect(),
        web_listen_address: file.web.listen_address.unwrap_or_default(),
        web_systemd_socket: file.web.systemd_socket.unwrap_or(false),
        web_disable_exporter_metrics: file.web.disable_exporter_metrics.unwrap_or(false),
        web_telemetry_path: file.web.telemetry_path,
        web_config_file: file.web.config.and_then(|c| c.file),
        web_max_connections: number(file.web.max_connections),
        web_header_read_timeout: file.web.header_read_timeout,
        web_idle_timeout: file.web.idle_timeout,
        web_max_header_bytes: number(file.web.max_header_bytes),
        clock_server: file.clock.server.unwrap_or_default(),
        clock_http_server: file.clock.http_server.unwrap_or_default(),
        clock_http_ca_file: file.clock.http_ca_file,
        clock_tolerance: file.clock.tolerance,
        clock_samples: number(file.clock.samples),
        clock_interval: file.clock.interval,
        clock_timeout: file.clock.timeout,
        stun_server: file.stun.server.unwrap_or_default(),
        stun_interval: file.stun.interval,
        stun_timeout: file.stun.timeout,
        connector_process: file.connector.process,
        connector_systemd_unit: file.connector.systemd_unit,
        connector_metrics_url: file.connector.metrics_url,
        connector_interval: file.connector.interval,
        connector_timeout: file.connector.timeout,
        connector_traffic_window: file.connector.traffic_window,
        connector_traffic_min_bytes: file.connector.traffic_min_bytes.map(ByteCount::into_text),
        host_interval: file.host.interval,
        host_timeout: file.host.timeout,
        host_include_loopback: file.host.include_loopback.unwrap_or(false),
        host_include_link_local: file.host.include_link_local.unwrap_or(false),
        twingate_network: file.twingate.network,
        twingate_api_url: file.twingate.api_url,
        twingate_api_key_file: file.twingate.api_key_file,
        twingate_ca_file: file.twingate.ca_file,
        twingate_connector: file.twingate.connector,
        twingate_interval: file.twingate.interval,
        twingate_timeout: file.twingate.timeout,
        // The key is never a file key either: only the key file or the
        // environment hold it.
        twingate_api_key: None,
        storage_path: file.storage.path,
        log_level: file.log.level,
        log_format: file.log.format,
    })
}

/// Flag (or environment) values win over file values.
fn merge(flag: Flags, file: Flags) -> Flags {
    fn list(a: Vec<String>, b: Vec<String>) -> Vec<String> {
        if a.is_empty() { b } else { a }
    }
    Flags {
        config_file: flag.config_file,
        probe_disable: list(flag.probe_disable, file.probe_disable),
        probe_switch: file
            .probe_switch
            .into_iter()
            .chain(flag.probe_switch)
            .collect(),
        web_listen_address: list(flag.web_listen_address, file.web_listen_address),
        web_systemd_socket: flag.web_systemd_socket || file.web_systemd_socket,
        web_disable_exporter_metrics: flag.web_disable_exporter_metrics
            || file.web_disable_exporter_metrics,
        web_telemetry_path: flag.web_telemetry_path.or(file.web_telemetry_path),
        web_config_file: flag.web_config_file.or(file.web_config_file),
        web_max_connections: flag.web_max_connections.or(file.web_max_connections),
        web_header_read_timeout: flag
            .web_header_read_timeout
            .or(file.web_header_read_timeout),
        web_idle_timeout: flag.web_idle_timeout.or(file.web_idle_timeout),
        web_max_header_bytes: flag.web_max_header_bytes.or(file.web_max_header_bytes),
        clock_server: list(flag.clock_server, file.clock_server),
        clock_http_server: list(flag.clock_http_server, file.clock_http_server),
        clock_http_ca_file: flag.clock_http_ca_file.or(file.clock_http_ca_file),
        clock_tolerance: flag.clock_tolerance.or(file.clock_tolerance),
        clock_samples: flag.clock_samples.or(file.clock_samples),
        clock_interval: flag.clock_interval.or(file.clock_interval),
        clock_timeout: flag.clock_timeout.or(file.clock_timeout),
        stun_server: list(flag.stun_server, file.stun_server),
        stun_interval: flag.stun_interval.or(file.stun_interval),
        stun_timeout: flag.stun_timeout.or(file.stun_timeout),
        connector_process: flag.connector_process.or(file.connector_process),
        connector_systemd_unit: flag.connector_systemd_unit.or(file.connector_systemd_unit),
        connector_metrics_url: flag.connector_metrics_url.or(file.connector_metrics_url),
        connector_interval: flag.connector_interval.or(file.connector_interval),
        connector_timeout: flag.connector_timeout.or(file.connector_timeout),
        connector_traffic_window: flag
            .connector_traffic_window
            .or(file.connector_traffic_window),
        connector_traffic_min_bytes: flag
            .connector_traffic_min_bytes
            .or(file.connector_traffic_min_bytes),
        host_interval: flag.host_interval.or(file.host_interval),
        host_timeout: flag.host_timeout.or(file.host_timeout),
        host_include_loopback: flag.host_include_loopback || file.host_include_loopback,
        host_include_link_local: flag.host_include_link_local || file.host_include_link_local,
        twingate_network: flag.twingate_network.or(file.twingate_network),
        twingate_api_url: flag.twingate_api_url.or(file.twingate_api_url),
        twingate_api_key_file: flag.twingate_api_key_file.or(file.twingate_api_key_file),
        twingate_ca_file: flag.twingate_ca_file.or(file.twingate_ca_file),
        twingate_connector: flag.twingate_connector.or(file.twingate_connector),
        twingate_interval: flag.twingate_interval.or(file.twingate_interval),
        twingate_timeout: flag.twingate_timeout.or(file.twingate_timeout),
        twingate_api_key: flag.twingate_api_key,
        storage_path: flag.storage_path.or(file.storage_path),
        log_level: flag.log_level.or(file.log_level),
        log_format: flag.log_format.or(file.log_format),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_parse_with_default_ports() {
        let s = |t| parse_server(t, 123).map(|a| a.to_string());
        assert_eq!(s("pool.ntp.org").unwrap(), "pool.ntp.org:123");
        assert_eq!(s("127.0.0.2:1123").unwrap(), "127.0.0.2:1123");
        assert_eq!(s("::1").unwrap(), "[::1]:123");
        assert_eq!(s("[::1]:9").unwrap(), "[::1]:9");
        assert!(s("host:0").is_err());
        assert!(s("host:99999").is_err());
        assert!(s("[::1").is_err());
        assert!(s("bad host").is_err());
        assert!(s("").is_err());
    }

    #[test]
    fn an_empty_connector_process_or_unit_turns_that_source_off() {
        use clap::Parser as _;
        let flags = |args: &[&str]| {
            let mut full = vec!["connector-exporter"];
            full.extend_from_slice(args);
            crate::cli::Cli::try_parse_from(full).unwrap().flags
        };
        let c = Config::load(flags(&[])).unwrap();
        assert_eq!(c.connector.process, "twingate-connector");
        assert_eq!(c.connector.systemd_unit, "twingate-connector.service");
        let c = Config::load(flags(&[
            "--connector.process=",
            "--connector.systemd-unit=",
        ]))
        .unwrap();
        assert_eq!(c.connector.process, "");
        assert_eq!(c.connector.systemd_unit, "");
    }

    #[test]
    fn byte_sizes() {
        let size = |t: &str| byte_size("x", Some(t), 7);
        assert_eq!(byte_size("x", None, 7).unwrap(), 7);
        assert_eq!(size("1048576").unwrap(), 1 << 20);
        assert_eq!(size("1MiB").unwrap(), 1 << 20);
        assert_eq!(size("512 KiB").unwrap(), 512 << 10);
        assert_eq!(size("10MB").unwrap(), 10_000_000);
        for bad in ["0", "", "MiB", "1 parsec", "-1", "99999999999999GiB"] {
            assert!(size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
