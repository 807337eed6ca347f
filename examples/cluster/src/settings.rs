//! What an instance is told by its environment: which store the instances
//! share, where it is, and how to keep this cluster's sessions apart from
//! anything else using the same server.

use std::fmt;

/// Where the instances keep their sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// Redis (`STORE=redis`): keys `<prefix><sid>`.
    Redis {
        /// `REDIS_URL`, default `redis://127.0.0.1:6379`.
        url: String,
        /// `KEY_PREFIX`, default `sess:` (connect-redis' prefix).
        prefix: String,
    },
    /// PostgreSQL (`STORE=postgres`): connect-pg-simple's `session` table.
    Postgres {
        /// `DATABASE_URL`, default `postgres://postgres@127.0.0.1/test`.
        url: String,
        /// `PG_SCHEMA`: the table's schema, which must exist (the table is
        /// created in it if missing); default none, the connection's
        /// `search_path`.
        schema: Option<String>,
    },
}

/// An instance's settings.
///
/// ```
/// use cluster::{Settings, StoreChoice};
///
/// let settings = Settings::redis("redis://127.0.0.1:6379", "cluster-demo:");
/// assert!(matches!(settings.store, StoreChoice::Redis { .. }));
/// ```
#[derive(Debug, Clone)]
pub struct Settings {
    /// The shared store.
    pub store: StoreChoice,
    /// The cookie secret, the same on every instance (`SESSION_SECRET`).
    pub secret: String,
}

/// A setting the environment got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError(String);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettingsError {}

impl From<SettingsError> for nestling::Error {
    fn from(error: SettingsError) -> Self {
        nestling::session::StoreError::new(error.0).into()
    }
}

const DEFAULT_SECRET: &str = "keyboard cat";

impl Settings {
    /// Redis at `url`, keys under `prefix`.
    pub fn redis(url: impl Into<String>, prefix: impl Into<String>) -> Settings {
        Settings {
            store: StoreChoice::Redis {
                url: url.into(),
                prefix: prefix.into(),
            },
            secret: DEFAULT_SECRET.to_owned(),
        }
    }

    /// PostgreSQL at `url`, the `session` table (created if missing) in
    /// `schema`.
    pub fn postgres(url: impl Into<String>, schema: Option<String>) -> Settings {
        Settings {
            store: StoreChoice::Postgres {
                url: url.into(),
                schema,
            },
            secret: DEFAULT_SECRET.to_owned(),
        }
    }

    /// The settings from `STORE`, `REDIS_URL`, `KEY_PREFIX`, `DATABASE_URL`,
    /// `PG_SCHEMA` and `SESSION_SECRET`.
    ///
    /// # Errors
    /// When `STORE` is neither `redis` nor `postgres`.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_vars(|name| std::env::var(name).ok())
    }

    /// The settings from the variables `var` gives.
    ///
    /// ```
    /// use cluster::Settings;
    ///
    /// let settings = Settings::from_vars(|name| (name == "STORE").then(|| "postgres".to_owned()));
    /// assert!(settings.is_ok());
    /// let wrong = Settings::from_vars(|name| (name == "STORE").then(|| "mongo".to_owned()));
    /// assert!(wrong.unwrap_err().to_string().contains("STORE=redis"));
    /// ```
    ///
    /// # Errors
    /// When `STORE` is neither `redis` nor `postgres`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let mut settings = match var("STORE").as_deref().unwrap_or("redis") {
            "redis" => Settings::redis(
                var("REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".to_owned()),
                var("KEY_PREFIX").unwrap_or_else(|| "sess:".to_owned()),
            ),
            "postgres" => Settings::postgres(
                var("DATABASE_URL")
                    .unwrap_or_else(|| "postgres://postgres@127.0.0.1/test".to_owned()),
                var("PG_SCHEMA").filter(|s| !s.is_empty()),
            ),
            other => {
                return Err(SettingsError(format!(
                    "STORE={other:?} is not a shared session store: set STORE=redis or STORE=postgres"
                )));
            }
        };
        if let Some(secret) = var("SESSION_SECRET") {
            settings.secret = secret;
        }
        Ok(settings)
    }
}
