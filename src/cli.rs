//! Command-line flags. Each flag has the same name as its key in the TOML
//! `--config.file` and an environment variable `CONNECTOR_EXPORTER_<KEY>`.
//! Values stay text here; `config.rs` validates them once for all sources.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::parser::ValueSource;
use clap::{
    Arg, ArgAction, ArgMatches, Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand,
};

use crate::probe::ProbeKind;

#[derive(Debug, Parser)]
#[command(
    name = "connector-exporter",
    disable_version_flag = true,
    about = "Prometheus exporter for zero-trust network connectors: clock offset, STUN/NAT, connector state and host facts",
    long_about = None,
    after_help = "Durations are written like 500ms, 5s or 2m. Servers are host[:port]; IPv6 literals go in brackets.\nFlags override the config file, which overrides the defaults."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub flags: Flags,
    /// Print the version, revision, build date and Rust version.
    #[arg(short = 'V', long = "version", action = ArgAction::SetTrue)]
    pub version: bool,
}

impl Cli {
    /// Parses `args` (the program name first), with a `--[no-]probe.NAME`
    /// switch for every probe, as node_exporter has for its collectors.
    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut command = Cli::command();
        for kind in ProbeKind::ALL {
            let (on, off) = switch_ids(kind);
            command = command
                .arg(
                    Arg::new(on)
                        .long(on)
                        .value_name("BOOL")
                        .num_args(0..=1)
                        .require_equals(true)
                        .default_missing_value("true")
                        .value_parser(BoolishValueParser::new())
                        .overrides_with(off)
                        .global(true)
                        .help(format!(
                            "Run the {kind} probe [default: on]; --no-{on} turns it off [env: {}=]",
                            switch_env(kind)
                        )),
                )
                .arg(
                    Arg::new(off)
                        .long(off)
                        .action(ArgAction::SetTrue)
                        .overrides_with(on)
                        .global(true)
                        .hide(true),
                );
        }
        let matches = command.try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.flags.probe_switch = switches(&matches)?;
        Ok(cli)
    }
}

/// Clap wants `'static` names; these are made once per process.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn switch_ids(kind: ProbeKind) -> (&'static str, &'static str) {
    let on = leak(format!("probe.{kind}"));
    (on, leak(format!("no-{on}")))
}

fn switch_env(kind: ProbeKind) -> String {
    format!(
        "CONNECTOR_EXPORTER_PROBE_{}",
        kind.as_str().to_ascii_uppercase()
    )
}

/// The command line's switches, else the environment's. Clap's own `env`
/// would make a `--no-` flag conflict with the variable instead of beating it.
fn switches(matches: &ArgMatches) -> Result<Vec<(String, bool)>, clap::Error> {
    let mut out = Vec::new();
    for kind in ProbeKind::ALL {
        let (on, off) = switch_ids(kind);
        let value = if matches.get_flag(off) {
            Some(false)
        } else if matches.value_source(on) == Some(ValueSource::CommandLine) {
            matches.get_one::<bool>(on).copied()
        } else {
            match std::env::var(switch_env(kind)) {
                Ok(text) => Some(boolish(&text).ok_or_else(|| {
                    clap::Error::raw(
                        clap::error::ErrorKind::InvalidValue,
                        format!(
                            "invalid value {text:?} for {}: expected true or false\n",
                            switch_env(kind)
                        ),
                    )
                })?),
                Err(_) => None,
            }
        };
        if let Some(v) = value {
            out.push((kind.as_str().to_owned(), v));
        }
    }
    Ok(out)
}

/// The words clap's `BoolishValueParser` takes on the command line.
fn boolish(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "y" => Some(true),
        "false" | "0" | "no" | "off" | "n" => Some(false),
        _ => None,
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve /metrics and the status page (the default).
    Serve,
    /// Run every probe once and print a diagnosis; exit 0 when all is ok,
    /// 1 when a problem was found, 2 on a usage or config error.
    Check {
        /// Print the status document as JSON (the same as GET /api/v1/status).
        #[arg(long)]
        json: bool,
    },
    /// Exit 0 if the exporter running with the same settings answers /-/healthy (for container health checks).
    Healthcheck,
}

macro_rules! env_name {
    ($key:literal) => {
        concat!("CONNECTOR_EXPORTER_", $key)
    };
}

#[derive(Clone, Debug, Default, Args)]
pub struct Flags {
    /// TOML file with the same keys as the flags (e.g. [clock] tolerance = "5s").
    #[arg(long = "config.file", env = env_name!("CONFIG_FILE"), value_name = "PATH", global = true)]
    pub config_file: Option<PathBuf>,

    /// Probe not to run, repeatable: clock, stun, connector, host or admin_api. A `--probe.NAME` switch overrides it.
    #[arg(long = "probe.disable", env = env_name!("PROBE_DISABLE"), value_name = "PROBE", value_delimiter = ',', global = true)]
    pub probe_disable: Vec<String>,
    /// `--[no-]probe.NAME` switches (probe name, on), in the order they
    /// apply: the file's first, then the command line's.
    #[arg(skip)]
    pub probe_switch: Vec<(String, bool)>,

    /// Address to listen on, repeatable [default: :10150].
    #[arg(long = "web.listen-address", env = env_name!("WEB_LISTEN_ADDRESS"), value_name = "ADDR", value_delimiter = ',', global = true)]
    pub web_listen_address: Vec<String>,
    /// Path under which metrics are served [default: /metrics].
    #[arg(long = "web.telemetry-path", env = env_name!("WEB_TELEMETRY_PATH"), value_name = "PATH", global = true)]
    pub web_telemetry_path: Option<String>,
    /// Serve on the sockets systemd passes (socket activation) instead of --web.listen-address.
    #[arg(long = "web.systemd-socket", env = env_name!("WEB_SYSTEMD_SOCKET"), action = ArgAction::SetTrue, global = true)]
    pub web_systemd_socket: bool,
    /// Leave out the metrics about the exporter itself (process_*).
    #[arg(long = "web.disable-exporter-metrics", env = env_name!("WEB_DISABLE_EXPORTER_METRICS"), action = ArgAction::SetTrue, global = true)]
    pub web_disable_exporter_metrics: bool,
    /// Web configuration file (exporter-toolkit format: TLS, basic auth, headers).
    #[arg(long = "web.config.file", env = env_name!("WEB_CONFIG_FILE"), value_name = "PATH", global = true)]
    pub web_config_file: Option<String>,
    /// Most open connections; past it a new one closes the one waiting longest without a request [default: 512].
    #[arg(long = "web.max-connections", env = env_name!("WEB_MAX_CONNECTIONS"), value_name = "N", global = true)]
    pub web_max_connections: Option<String>,
    /// Time a client has to send its request headers, TLS handshake included [default: 5s].
    #[arg(long = "web.header-read-timeout", env = env_name!("WEB_HEADER_READ_TIMEOUT"), value_name = "DURATION", global = true)]
    pub web_header_read_timeout: Option<String>,
    /// Time a keep-alive connection may wait for its next request [default: 2m].
    #[arg(long = "web.idle-timeout", env = env_name!("WEB_IDLE_TIMEOUT"), value_name = "DURATION", global = true)]
    pub web_idle_timeout: Option<String>,
    /// Largest request head (request line and headers) in bytes, at least 8192 [default: 16384].
    #[arg(long = "web.max-header-bytes", env = env_name!("WEB_MAX_HEADER_BYTES"), value_name = "BYTES", global = true)]
    pub web_max_header_bytes: Option<String>,

    /// NTP server, host[:port], repeatable; replaces the defaults. Empty: no NTP (HTTPS servers only).
    #[arg(long = "clock.server", env = env_name!("CLOCK_SERVER"), value_name = "HOST[:PORT]", value_delimiter = ',', global = true)]
    pub clock_server: Vec<String>,
    /// HTTPS server whose Date header is measured (https:// URL), repeatable; replaces the default, which is the controller when --twingate.network is set. Empty: none.
    #[arg(long = "clock.http-server", env = env_name!("CLOCK_HTTP_SERVER"), value_name = "URL", value_delimiter = ',', global = true)]
    pub clock_http_server: Vec<String>,
    /// PEM file with the only CAs trusted for the HTTPS clock servers [default: the built-in Mozilla roots].
    #[arg(long = "clock.http-ca-file", env = env_name!("CLOCK_HTTP_CA_FILE"), value_name = "PATH", global = true)]
    pub clock_http_ca_file: Option<String>,
    /// Clock offset the controller tolerates [default: 5s].
    #[arg(long = "clock.tolerance", env = env_name!("CLOCK_TOLERANCE"), value_name = "DURATION", global = true)]
    pub clock_tolerance: Option<String>,
    /// Requests per server and round; the lowest-delay answer is kept [default: 4].
    #[arg(long = "clock.samples", env = env_name!("CLOCK_SAMPLES"), value_name = "N", global = true)]
    pub clock_samples: Option<String>,
    /// Time between clock rounds [default: 64s].
    #[arg(long = "clock.interval", env = env_name!("CLOCK_INTERVAL"), value_name = "DURATION", global = true)]
    pub clock_interval: Option<String>,
    /// Hard limit for one clock round [default: 10s].
    #[arg(long = "clock.timeout", env = env_name!("CLOCK_TIMEOUT"), value_name = "DURATION", global = true)]
    pub clock_timeout: Option<String>,

    /// STUN server, host[:port], repeatable; replaces the defaults.
    #[arg(long = "stun.server", env = env_name!("STUN_SERVER"), value_name = "HOST[:PORT]", value_delimiter = ',', global = true)]
    pub stun_server: Vec<String>,
    /// Time between STUN rounds [default: 60s].
    #[arg(long = "stun.interval", env = env_name!("STUN_INTERVAL"), value_name = "DURATION", global = true)]
    pub stun_interval: Option<String>,
    /// Hard limit for one STUN round [default: 10s].
    #[arg(long = "stun.timeout", env = env_name!("STUN_TIMEOUT"), value_name = "DURATION", global = true)]
    pub stun_timeout: Option<String>,

    /// Connector executable name or path, matched against exe and command line; empty turns this source off [default: twingate-connector].
    #[arg(long = "connector.process", env = env_name!("CONNECTOR_PROCESS"), value_name = "NAME", global = true)]
    pub connector_process: Option<String>,
    /// The connector's systemd unit, read when systemd runs; empty turns this source off [default: twingate-connector.service].
    #[arg(long = "connector.systemd-unit", env = env_name!("CONNECTOR_SYSTEMD_UNIT"), value_name = "UNIT", global = true)]
    pub connector_systemd_unit: Option<String>,
    /// The connector's own metrics endpoint (TWINGATE_METRICS_PORT); off unless set.
    #[arg(long = "connector.metrics-url", env = env_name!("CONNECTOR_METRICS_URL"), value_name = "URL", global = true)]
    pub connector_metrics_url: Option<String>,
    /// Time between connector rounds [default: 5s].
    #[arg(long = "connector.interval", env = env_name!("CONNECTOR_INTERVAL"), value_name = "DURATION", global = true)]
    pub connector_interval: Option<String>,
    /// Hard limit for one connector round [default: 3s].
    #[arg(long = "connector.timeout", env = env_name!("CONNECTOR_TIMEOUT"), value_name = "DURATION", global = true)]
    pub connector_timeout: Option<String>,
    /// How far back connector_traffic_direct_ratio looks [default: 15m].
    #[arg(long = "connector.traffic-window", env = env_name!("CONNECTOR_TRAFFIC_WINDOW"), value_name = "DURATION", global = true)]
    pub connector_traffic_window: Option<String>,
    /// Fewest bytes in the window for a direct ratio; below it the ratio is absent, so an idle connector is not "all relayed" [default: 1MiB].
    #[arg(long = "connector.traffic-min-bytes", env = env_name!("CONNECTOR_TRAFFIC_MIN_BYTES"), value_name = "BYTES", global = true)]
    pub connector_traffic_min_bytes: Option<String>,

    /// Time between host rounds [default: 60s].
    #[arg(long = "host.interval", env = env_name!("HOST_INTERVAL"), value_name = "DURATION", global = true)]
    pub host_interval: Option<String>,
    /// Hard limit for one host round [default: 5s].
    #[arg(long = "host.timeout", env = env_name!("HOST_TIMEOUT"), value_name = "DURATION", global = true)]
    pub host_timeout: Option<String>,
    /// Also report loopback addresses.
    #[arg(long = "host.include-loopback", env = env_name!("HOST_INCLUDE_LOOPBACK"), action = ArgAction::SetTrue, global = true)]
    pub host_include_loopback: bool,
    /// Also report link-local addresses (169.254.0.0/16, fe80::/10).
    #[arg(long = "host.include-link-local", env = env_name!("HOST_INCLUDE_LINK_LOCAL"), action = ArgAction::SetTrue, global = true)]
    pub host_include_link_local: bool,

    /// Twingate network name (NAME in NAME.twingate.com): the controller whose view and clock are read.
    #[arg(long = "twingate.network", env = env_name!("TWINGATE_NETWORK"), value_name = "NAME", global = true)]
    pub twingate_network: Option<String>,
    /// Admin API endpoint, overriding https://NAME.twingate.com/api/graphql/ (a proxy or a test server).
    #[arg(long = "twingate.api-url", env = env_name!("TWINGATE_API_URL"), value_name = "URL", global = true)]
    pub twingate_api_url: Option<String>,
    /// File holding the Admin API key (or set CONNECTOR_EXPORTER_TWINGATE_API_KEY); with a network or URL it turns on the admin_api probe.
    #[arg(long = "twingate.api-key-file", env = env_name!("TWINGATE_API_KEY_FILE"), value_name = "PATH", global = true)]
    pub twingate_api_key_file: Option<String>,
    /// PEM file with the only CAs trusted for the Admin API [default: built-in roots].
    #[arg(long = "twingate.ca-file", env = env_name!("TWINGATE_CA_FILE"), value_name = "PATH", global = true)]
    pub twingate_ca_file: Option<String>,
    /// This host's connector, by its name in the controller: exports connector_controller_agreement.
    #[arg(long = "twingate.connector", env = env_name!("TWINGATE_CONNECTOR"), value_name = "NAME", global = true)]
    pub twingate_connector: Option<String>,
    /// Time between Admin API rounds [default: 60s].
    #[arg(long = "twingate.interval", env = env_name!("TWINGATE_INTERVAL"), value_name = "DURATION", global = true)]
    pub twingate_interval: Option<String>,
    /// Hard limit for one Admin API round, all pages [default: 20s].
    #[arg(long = "twingate.timeout", env = env_name!("TWINGATE_TIMEOUT"), value_name = "DURATION", global = true)]
    pub twingate_timeout: Option<String>,
    /// The Admin API key, read by `Config::load` from the environment only:
    /// never a flag, so it cannot show in `ps` or in `--help`.
    #[arg(skip)]
    pub twingate_api_key: Option<crate::config::ApiKey>,

    /// Directory for state that must survive a restart (connector downtime, restarts); off unless set.
    #[arg(long = "storage.path", env = env_name!("STORAGE_PATH"), value_name = "DIR", global = true)]
    pub storage_path: Option<String>,
    /// error, warn, info, debug or trace [default: info].
    #[arg(long = "log.level", env = env_name!("LOG_LEVEL"), value_name = "LEVEL", global = true)]
    pub log_level: Option<String>,
    /// logfmt or json; text is another name for logfmt [default: logfmt].
    #[arg(long = "log.format", env = env_name!("LOG_FORMAT"), value_name = "FORMAT", global = true)]
    pub log_format: Option<String>,
}
