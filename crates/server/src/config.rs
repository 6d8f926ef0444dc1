//! The instance configuration: built-in defaults (`config/default.toml`), then an optional file,
//! then environment variables. Every problem names the setting it is about.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

const DEFAULTS: &str = include_str!("../../../config/default.toml");

/// Everything an instance needs to start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Who this instance is.
    pub instance: InstanceSection,
    /// Where it listens.
    pub server: ServerSection,
    /// Where it stores.
    pub database: DatabaseSection,
    /// Limits and lifetimes.
    pub security: SecuritySection,
    /// Moderation defaults.
    pub moderation: ModerationSection,
    /// ActivityPub delivery and test mode.
    pub federation: FederationSection,
}

/// `[federation]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationSection {
    /// Test mode: plain http, ports and loopback allowed, `*.test` names resolve to 127.0.0.1.
    pub test_mode: bool,
    /// Seconds before the first retry of a failed delivery; each next wait is four times longer.
    pub retry_after_seconds: u64,
    /// Failed attempts after which a delivery is given up.
    pub max_attempts: u32,
    /// Remote hosts delivered to at the same time.
    pub parallel_hosts: u32,
    /// A deal member sends changed figures at most once per this many seconds.
    pub statistics_interval_seconds: u64,
    /// Subscribed domain blocklists are fetched again every this many seconds.
    pub blocklist_refresh_seconds: u64,
}

/// `[moderation]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationSection {
    /// Distinct reports that hide an item until a moderator decides; 0 turns it off.
    pub auto_hide_after_reports: u32,
}

/// `[instance]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSection {
    /// The municipality's name.
    pub name: String,
    /// `municipality`, `province` or `helpdesk`.
    pub kind: String,
    /// The public base URL.
    pub public_url: String,
    /// The province the instance lies in (e.g. `Zuid-Holland`), shown on its `Organization`
    /// and `Group`s for the helpdesk's catalogue; optional.
    #[serde(default)]
    pub province: Option<String>,
}

/// `[server]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    /// `host:port` to listen on.
    pub listen: String,
    /// Behind a reverse proxy: take the client address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
}

/// `[database]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    /// Empty for embedded SQLite, or a `postgres://` URL.
    pub url: String,
    /// Folder for the SQLite file and uploads.
    pub data_dir: PathBuf,
    /// Pool size.
    pub max_connections: u32,
}

/// `[security]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySection {
    /// Log-in lifetime in days.
    pub session_days: u32,
    /// Log-in attempts per address (and per name) per minute.
    pub login_attempts_per_minute: u32,
    /// Code attempts per account per hour.
    pub code_attempts_per_hour: u32,
    /// Sign-ups per address per hour.
    pub registrations_per_hour: u32,
}

/// A setting that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: `{setting}`{}: {message}", env.map(|e| format!(" (environment variable {e})")).unwrap_or_default())]
pub struct ConfigError {
    /// The setting, e.g. `instance.public_url`.
    pub setting: String,
    /// The environment variable that sets it, if any.
    pub env: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

fn invalid(setting: &str, env: Option<&'static str>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.to_owned(),
        env,
        message: message.into(),
    }
}

/// Checked values the rest of the program uses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The raw configuration.
    pub config: Config,
    /// Parsed `server.listen`.
    pub listen: SocketAddr,
    /// Parsed `instance.public_url`.
    pub public_url: Url,
}

impl Config {
    /// Loads defaults, then `file` (if given), then the environment as read by `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let mut table: toml::Table = DEFAULTS
            .parse()
            .map_err(|e| invalid("config/default.toml", None, format!("{e}")))?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                invalid(
                    "--config",
                    None,
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let overlay: toml::Table = text.parse().map_err(|e| {
                invalid(
                    "--config",
                    None,
                    format!("{} is not valid TOML: {e}", path.display()),
                )
            })?;
            merge(&mut table, overlay);
        }
        let mut config: Config = table
            .try_into()
            .map_err(|e: toml::de::Error| invalid("--config", None, e.message().to_owned()))?;
        config.apply_env(env)?;
        config.check()
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = env("INSPRAAK_LISTEN") {
            self.server.listen = v;
        }
        if let Some(v) = env("INSPRAAK_PUBLIC_URL") {
            self.instance.public_url = v;
        }
        if let Some(v) = env("INSPRAAK_DATA_DIR") {
            self.database.data_dir = PathBuf::from(v);
        }
        if let Some(v) = env("DATABASE_URL") {
            self.database.url = v;
        }
        if let Some(v) = env("INSPRAAK_INSTANCE_NAME") {
            self.instance.name = v;
        }
        if let Some(v) = env("INSPRAAK_INSTANCE_KIND") {
            self.instance.kind = v;
        }
        if let Some(v) = env("INSPRAAK_INSTANCE_PROVINCE") {
            self.instance.province = Some(v);
        }
        if let Some(v) = env("INSPRAAK_FEDERATION_TEST_MODE") {
            self.federation.test_mode = match v.as_str() {
                "true" | "1" => true,
                "false" | "0" | "" => false,
                _ => {
                    return Err(invalid(
                        "federation.test_mode",
                        Some("INSPRAAK_FEDERATION_TEST_MODE"),
                        "must be true or false",
                    ));
                }
            };
        }
        // activitypub_federation turns its private-address checks off when this is set; an
        // operator who copied it from somewhere would open the instance to SSRF without knowing.
        if env("DANGER_FEDERATION_ALLOW_LOCAL_IP").is_some() && !self.federation.test_mode {
            return Err(invalid(
                "federation.test_mode",
                Some("DANGER_FEDERATION_ALLOW_LOCAL_IP"),
                "DANGER_FEDERATION_ALLOW_LOCAL_IP turns off the checks that keep fetches and \
                 deliveries away from private addresses; unset it (only test mode may run with it)",
            ));
        }
        Ok(())
    }

    fn check(self) -> Result<Settings, ConfigError> {
        let name = self.instance.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid(
                "instance.name",
                Some("INSPRAAK_INSTANCE_NAME"),
                "must be 1 to 100 characters",
            ));
        }
        if let Some(province) = &self.instance.province
            && (province.trim().chars().count() > 100 || province.chars().any(char::is_control))
        {
            return Err(invalid(
                "instance.province",
                Some("INSPRAAK_INSTANCE_PROVINCE"),
                "must be at most 100 characters on one line",
            ));
        }
        if !["municipality", "province", "helpdesk"].contains(&self.instance.kind.as_str()) {
            return Err(invalid(
                "instance.kind",
                Some("INSPRAAK_INSTANCE_KIND"),
                "must be municipality, province or helpdesk",
            ));
        }
        let public_url = parse_public_url(&self.instance.public_url)?;
        let listen: SocketAddr = self.server.listen.parse().map_err(|_| {
            invalid(
                "server.listen",
                Some("INSPRAAK_LISTEN"),
                format!(
                    "{:?} is not an address:port such as 127.0.0.1:8080",
                    self.server.listen
                ),
            )
        })?;
        let url = self.database.url.as_str();
        if !(url.is_empty()
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://")
            || url.starts_with("sqlite:"))
        {
            return Err(invalid(
                "database.url",
                Some("DATABASE_URL"),
                "must be empty (embedded SQLite), a postgres:// URL or a sqlite: URL",
            ));
        }
        if self.database.url.is_empty() && self.database.data_dir.as_os_str().is_empty() {
            return Err(invalid(
                "database.data_dir",
                Some("INSPRAAK_DATA_DIR"),
                "must name a folder",
            ));
        }
        if !(1..=1000).contains(&self.database.max_connections) {
            return Err(invalid(
                "database.max_connections",
                None,
                "must be between 1 and 1000",
            ));
        }
        let s = &self.security;
        for (setting, value, max) in [
            ("security.session_days", s.session_days, 365),
            (
                "security.login_attempts_per_minute",
                s.login_attempts_per_minute,
                100_000,
            ),
            (
                "security.code_attempts_per_hour",
                s.code_attempts_per_hour,
                100_000,
            ),
            (
                "security.registrations_per_hour",
                s.registrations_per_hour,
                100_000,
            ),
        ] {
            if value == 0 || value > max {
                return Err(invalid(
                    setting,
                    None,
                    format!("must be between 1 and {max}"),
                ));
            }
        }
        Ok(Settings {
            config: self,
            listen,
            public_url,
        })
    }
}

fn parse_public_url(raw: &str) -> Result<Url, ConfigError> {
    let env = Some("INSPRAAK_PUBLIC_URL");
    let url = Url::parse(raw).map_err(|e| {
        invalid(
            "instance.public_url",
            env,
            format!("{raw:?} is not a URL: {e}"),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(
            "instance.public_url",
            env,
            "must start with http:// or https://",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("instance.public_url", env, "must name a host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "instance.public_url",
            env,
            "must be a bare origin such as https://inspraak.gemeente.nl (no path, query or fragment)",
        ));
    }
    Ok(url)
}

/// Deep-merges `overlay` into `base`: tables merge, other values replace.
fn merge(base: &mut toml::Table, overlay: toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_load() {
        let s = Config::load(None, env(&[])).expect("defaults are valid");
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_url.as_str(), "http://localhost:8080/");
        assert_eq!(s.config.database.data_dir, PathBuf::from("./data"));
        assert!(s.config.database.url.is_empty());
    }

    #[test]
    fn environment_overrides_file_overrides_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "[instance]\nname = \"Gemeente Tynaarlo\"\n[server]\nlisten = \"0.0.0.0:9000\"\n",
        )
        .expect("write");
        let s = Config::load(
            Some(&file),
            env(&[
                ("INSPRAAK_LISTEN", "127.0.0.1:9100"),
                ("DATABASE_URL", "postgres://x@y/z"),
            ]),
        )
        .expect("valid");
        assert_eq!(s.config.instance.name, "Gemeente Tynaarlo");
        assert_eq!(s.listen.to_string(), "127.0.0.1:9100");
        assert_eq!(s.config.database.url, "postgres://x@y/z");
        assert_eq!(s.config.instance.kind, "municipality");
    }

    #[test]
    fn kind_and_province_come_from_the_environment_and_are_checked() {
        let s = Config::load(
            None,
            env(&[
                ("INSPRAAK_INSTANCE_KIND", "helpdesk"),
                ("INSPRAAK_INSTANCE_PROVINCE", "Zuid-Holland"),
            ]),
        )
        .expect("valid");
        assert_eq!(s.config.instance.kind, "helpdesk");
        assert_eq!(s.config.instance.province.as_deref(), Some("Zuid-Holland"));
        let err = Config::load(
            None,
            env(&[("INSPRAAK_INSTANCE_PROVINCE", "Zuid\nHolland")]),
        )
        .expect_err("two lines");
        assert_eq!(err.setting, "instance.province");
        let err = Config::load(None, env(&[("INSPRAAK_INSTANCE_KIND", "gemeente")]))
            .expect_err("unknown kind");
        assert_eq!(err.setting, "instance.kind");
        for example in ["municipality", "province", "helpdesk"] {
            let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../config/examples/{example}.toml"));
            Config::load(Some(&file), env(&[]))
                .unwrap_or_else(|e| panic!("config/examples/{example}.toml: {e}"));
        }
    }

    #[test]
    fn errors_name_the_setting() {
        let err = Config::load(None, env(&[("INSPRAAK_PUBLIC_URL", "localhost:8080/x")]))
            .expect_err("bad url");
        assert_eq!(err.setting, "instance.public_url");
        assert!(err.to_string().contains("INSPRAAK_PUBLIC_URL"), "{err}");
        let err =
            Config::load(None, env(&[("INSPRAAK_LISTEN", "everywhere")])).expect_err("bad listen");
        assert_eq!(err.setting, "server.listen");
        let err = Config::load(None, env(&[("DATABASE_URL", "mysql://x")])).expect_err("bad db");
        assert_eq!(err.setting, "database.url");

        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[server]\nlisten_on = \"0.0.0.0:9000\"\n").expect("write");
        let err = Config::load(Some(&file), env(&[])).expect_err("unknown key");
        assert!(err.message.contains("listen_on"), "{err}");
        let err = Config::load(None, env(&[("DANGER_FEDERATION_ALLOW_LOCAL_IP", "1")]))
            .expect_err("private addresses allowed outside test mode");
        assert!(
            err.to_string().contains("DANGER_FEDERATION_ALLOW_LOCAL_IP"),
            "{err}"
        );
        assert!(
            Config::load(
                None,
                env(&[
                    ("DANGER_FEDERATION_ALLOW_LOCAL_IP", "1"),
                    ("INSPRAAK_FEDERATION_TEST_MODE", "true")
                ])
            )
            .is_ok()
        );
        std::fs::write(&file, "[security]\nsession_days = 0\n").expect("write");
        let err = Config::load(Some(&file), env(&[])).expect_err("zero days");
        assert_eq!(err.setting, "security.session_days");
    }
}
