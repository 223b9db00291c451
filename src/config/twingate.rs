//! The `[twingate]` section: the controller whose clock is read, and the
//! Admin API the `admin_api` probe polls.
//!
//! The API key is a secret: it comes only from a file or the environment
//! (a flag value shows in `ps`), lives in [`ApiKey`], whose `Debug` and
//! `Display` print a placeholder, and no error here ever quotes it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::{ConfigError, duration, invalid};
use crate::cli::Flags;
use crate::https::HttpsUrl;

/// The environment variable the key may come from.
pub const API_KEY_ENV: &str = "CONNECTOR_EXPORTER_TWINGATE_API_KEY";

/// The Twingate controller this connector belongs to.
#[derive(Clone, Debug)]
pub struct TwingateConfig {
    /// The network name, NAME in `NAME.twingate.com`.
    pub network: Option<String>,
    /// `--twingate.api-url` as given; `admin_api()` applies the default.
    pub api_url: Option<HttpsUrl>,
    pub api_key: Option<ApiKey>,
    /// Where the key was read from, to warn when others can read it.
    pub api_key_file: Option<PathBuf>,
    /// Trust only these CAs for the Admin API (a private CA or an
    /// inspecting proxy); the built-in roots otherwise.
    pub ca_file: Option<PathBuf>,
    /// This host's connector, by its name in the controller: turns on the
    /// direct host/controller cross-check.
    pub connector: Option<String>,
    pub interval: Duration,
    pub timeout: Duration,
}

impl Default for TwingateConfig {
    fn default() -> Self {
        TwingateConfig {
            network: None,
            api_url: None,
            api_key: None,
            api_key_file: None,
            ca_file: None,
            connector: None,
            interval: Duration::from_secs(60),
            timeout: Duration::from_secs(20),
        }
    }
}

/// What the `admin_api` probe needs: present only when a key and an
/// address are both known.
#[derive(Clone, Debug)]
pub struct AdminApiConfig {
    pub url: HttpsUrl,
    pub key: ApiKey,
    pub key_file: Option<PathBuf>,
    pub ca_file: Option<PathBuf>,
    pub connector: Option<String>,
    pub interval: Duration,
    pub timeout: Duration,
}

impl TwingateConfig {
    /// The controller's own web address, when the network is known.
    pub fn controller_url(&self) -> Option<HttpsUrl> {
        let network = self.network.as_deref()?;
        HttpsUrl::parse(&format!("https://{network}.twingate.com/")).ok()
    }

    /// The Admin API endpoint: `--twingate.api-url`, else the network's.
    pub fn api_endpoint(&self) -> Option<HttpsUrl> {
        if let Some(url) = &self.api_url {
            return Some(url.clone());
        }
        let network = self.network.as_deref()?;
        HttpsUrl::parse(&format!("https://{network}.twingate.com/api/graphql/")).ok()
    }

    /// The probe's settings; `None` keeps the probe off (a network name
    /// alone is only for the clock).
    pub fn admin_api(&self) -> Option<AdminApiConfig> {
        Some(AdminApiConfig {
            url: self.api_endpoint()?,
            key: self.api_key.clone()?,
            key_file: self.api_key_file.clone(),
            ca_file: self.ca_file.clone(),
            connector: self.connector.clone(),
            interval: self.interval,
            timeout: self.timeout,
        })
    }
}

/// An Admin API key. Only [`ApiKey::expose`] gives the text, for the one
/// request header that needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Unchecked: `Config` validates it.
    pub fn new(text: impl Into<String>) -> ApiKey {
        ApiKey(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Reads the key from the environment, for `Config::load`; `from_flags`
/// stays pure so tests can hand it a key.
pub fn key_from_env() -> Option<ApiKey> {
    std::env::var(API_KEY_ENV).ok().map(ApiKey)
}

/// The key as a header value: printable ASCII without spaces. The text is
/// never put into the error.
fn api_key(field: &'static str, text: &str) -> Result<ApiKey, ConfigError> {
    let key = text.trim();
    if key.is_empty() {
        return Err(ConfigError::Field {
            field,
            problem: "the API key is empty".to_owned(),
        });
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ConfigError::Field {
            field,
            problem: "the API key holds characters other than printable ASCII".to_owned(),
        });
    }
    Ok(ApiKey(key.to_owned()))
}

pub(super) fn from_flags(f: &Flags) -> Result<TwingateConfig, ConfigError> {
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let network = given(&f.twingate_network).map(network_name).transpose()?;
    let api_url = given(&f.twingate_api_url)
        .map(|u| HttpsUrl::parse(u).map_err(|problem| invalid("twingate.api-url", u, problem)))
        .transpose()?;
    let api_key_file = given(&f.twingate_api_key_file).map(PathBuf::from);
    // The file wins over the environment: it is the more deliberate choice.
    let api_key = match &api_key_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                invalid(
                    "twingate.api-key-file",
                    &path.display().to_string(),
                    e.to_string(),
                )
            })?;
            Some(api_key("twingate.api-key-file", &text)?)
        }
        None => f
            .twingate_api_key
            .as_ref()
            .filter(|k| !k.0.is_empty())
            .map(|k| api_key(API_KEY_ENV, &k.0))
            .transpose()?,
    };
    let ca_file = given(&f.twingate_ca_file).map(PathBuf::from);
    if let Some(path) = &ca_file {
        crate::https::client_config(Some(path)).map_err(|e| {
            invalid(
                "twingate.ca-file",
                &path.display().to_string(),
                e.to_string(),
            )
        })?;
    }
    let connector = given(&f.twingate_connector).map(str::to_owned);
    let interval = duration("twingate.interval", f.twingate_interval.as_deref(), "60s")?;
    let timeout = duration("twingate.timeout", f.twingate_timeout.as_deref(), "20s")?;
    if timeout > interval {
        return Err(invalid(
            "twingate.timeout",
            &humantime::format_duration(timeout).to_string(),
            "must not be longer than twingate.interval (one round per interval at most)",
        ));
    }
    let has_endpoint = network.is_some() || api_url.is_some();
    let key_field = if api_key_file.is_some() {
        "twingate.api-key-file"
    } else {
        API_KEY_ENV
    };
    let needs_key = |field: &'static str| ConfigError::Field {
        field,
        problem: format!("needs an Admin API key (--twingate.api-key-file or {API_KEY_ENV})"),
    };
    match (&api_key, has_endpoint) {
        (Some(_), false) => {
            return Err(ConfigError::Field {
                field: key_field,
                problem: "an Admin API key needs --twingate.network or --twingate.api-url"
                    .to_owned(),
            });
        }
        (None, _) if api_url.is_some() => return Err(needs_key("twingate.api-url")),
        (None, _) if connector.is_some() => return Err(needs_key("twingate.connector")),
        _ => {}
    }
    Ok(TwingateConfig {
        network,
        api_url,
        api_key,
        api_key_file,
        ca_file,
        connector,
        interval,
        timeout,
    })
}

/// A Twingate network name is one DNS label: it becomes NAME.twingate.com.
pub(super) fn network_name(text: &str) -> Result<String, ConfigError> {
    let name = text.trim().to_ascii_lowercase();
    let valid = (1..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !valid {
        return Err(invalid(
            "twingate.network",
            text,
            "expected the network name alone (NAME in NAME.twingate.com): letters, digits and -",
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(network: Option<&str>, key: Option<&str>) -> Flags {
        Flags {
            twingate_network: network.map(str::to_owned),
            twingate_api_key: key.map(ApiKey::new),
            ..Flags::default()
        }
    }

    #[test]
    fn a_network_alone_leaves_the_probe_off() {
        let c = from_flags(&flags(Some("acme"), None)).unwrap();
        assert!(c.admin_api().is_none());
        assert!(c.controller_url().is_some());
        let c = from_flags(&flags(Some("acme"), Some(" k3y\n"))).unwrap();
        let api = c.admin_api().unwrap();
        assert_eq!(api.url.as_str(), "https://acme.twingate.com/api/graphql/");
        assert_eq!(api.key.expose(), "k3y");
        assert_eq!(api.interval, Duration::from_secs(60));
        assert_eq!(api.timeout, Duration::from_secs(20));
    }

    #[test]
    fn the_key_never_shows_in_debug_display_or_errors() {
        let secret = "tg-SECRET-1234";
        let c = from_flags(&flags(Some("acme"), Some(secret))).unwrap();
        assert!(!format!("{c:?}").contains(secret));
        assert!(!format!("{:?} {}", c.api_key, c.api_key.clone().unwrap()).contains(secret));
        let err = from_flags(&flags(None, Some(secret)))
            .unwrap_err()
            .to_string();
        assert!(err.contains(API_KEY_ENV) && !err.contains(secret), "{err}");
        let err = from_flags(&flags(Some("acme"), Some("has space")))
            .unwrap_err()
            .to_string();
        assert!(!err.contains("has space"), "{err}");
    }

    #[test]
    fn network_names_become_controller_urls() {
        let url = |n: &str| {
            TwingateConfig {
                network: Some(network_name(n).unwrap()),
                ..TwingateConfig::default()
            }
            .controller_url()
            .unwrap()
            .to_string()
        };
        assert_eq!(url("acme"), "https://acme.twingate.com/");
        assert_eq!(url("Acme-2"), "https://acme-2.twingate.com/");
        assert!(network_name("acme.twingate.com").is_err());
        assert!(network_name("-acme").is_err());
        assert!(network_name("a b").is_err());
        assert!(TwingateConfig::default().controller_url().is_none());
    }
}
