//! Sessions in PostgreSQL, compatible with connect-pg-simple 10, so an
//! Express app and a nestling app can share the table.
//!
//! * The table: `session(sid varchar PRIMARY KEY, sess json NOT NULL,
//!   expire timestamp(6) NOT NULL)` with an index on `expire`, in the
//!   schema and under the name configured (`"session"` by default).
//! * `sess` is express-session's JSON document; the `json` type keeps its
//!   text as written, so it is read back byte for byte.
//! * `expire` is the cookie's `expires` rounded up to the second, or now
//!   plus `ttl` (one day) for a browser-session cookie, written with
//!   `to_timestamp` as connect-pg-simple does (both then convert it with
//!   the server's `TimeZone`).
//! * `get` only finds rows whose `expire` has not passed; `touch` updates
//!   `expire` only; a background task deletes expired rows every 15
//!   minutes (randomised between 50 % and 150 %, so instances spread out).
//!
//! Saves of a loaded session ([`SessionStore::set_changes`]) first try an
//! `UPDATE ... WHERE sess::text = <what the request loaded>` (one round
//! trip); if another request saved in between, a transaction locks the row
//! (`SELECT ... FOR UPDATE`), merges ([`SessionChanges::merge`]) and
//! writes.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use deadpool_postgres::tokio_postgres::error::SqlState;
use deadpool_postgres::tokio_postgres::{self, NoTls};
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;

use super::{SessionChanges, SessionStore, StoreError, StoredSession};
use crate::session::date;

/// connect-pg-simple's default TTL for sessions without an expiry: one day.
const DEFAULT_TTL_MS: i64 = 86_400_000;
/// connect-pg-simple's default pruning interval: 15 minutes.
const DEFAULT_PRUNE_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// How long an operation may take before it fails.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// Connections in the pool, unless `max_connections` says otherwise.
const DEFAULT_MAX_CONNECTIONS: usize = 16;

/// Sessions in a PostgreSQL table, shared with Express apps using
/// connect-pg-simple (feature `postgres`).
///
/// [`PostgresStore::new`] connects (a wrong URL or an unreachable server is
/// an error at start-up); the builder methods set connect-pg-simple's
/// options. Cloning gives another handle on the same pool. Connections are
/// plain TCP or Unix sockets (no TLS).
///
/// ```no_run
/// use nestling::session::{PostgresStore, SessionOptions};
///
/// # async fn setup(app: &mut nestling::Application) -> Result<(), nestling::session::StoreError> {
/// let store = PostgresStore::new("postgres://postgres@127.0.0.1/test")
///     .await?
///     .table_name("user_sessions")
///     .create_table_if_missing(true);
/// store.create_table().await?; // now rather than on the first request
/// app.use_session(SessionOptions::new().secret("keyboard cat").store(store));
/// # Ok(()) }
/// ```
///
/// Overlapping requests on one session that change different keys all
/// keep their changes (see [`SessionChanges`]); the same key written by
/// two requests keeps the last one.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    options: Arc<Options>,
    /// What is started on first use, per configuration.
    lazy: Arc<Lazy>,
}

#[derive(Clone)]
struct Options {
    schema_name: Option<String>,
    table_name: String,
    create_table_if_missing: bool,
    ttl_ms: i64,
    disable_touch: bool,
    prune_interval: Option<Duration>,
    timeout: Duration,
    sql: Sql,
}

/// The statements, written once per table name.
#[derive(Clone)]
struct Sql {
    table: String,
    create: String,
    get: String,
    set: String,
    update_if_unchanged: String,
    lock: String,
    destroy: String,
    touch: String,
    prune: String,
    all: String,
    length: String,
    clear: String,
}

/// The table check and the pruning task, started by the first operation.
#[derive(Default)]
struct Lazy {
    table: OnceCell<()>,
    pruning: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Lazy {
    fn drop(&mut self) {
        let task = self
            .pruning
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(task) = task.take() {
            task.abort();
        }
    }
}

impl PostgresStore {
    /// Connects to the database at `url`
    /// (`postgres://[user[:password]@]host[:port]/database[?options]`, or
    /// the `host=... dbname=...` form of libpq).
    ///
    /// # Errors
    /// When `url` is not a PostgreSQL URL, or the server does not accept a
    /// connection within the default timeout (2 s): the message says what
    /// to fix. Once running, broken connections are replaced by new ones
    /// as the pool hands them out.
    pub async fn new(url: &str) -> Result<PostgresStore, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| {
            StoreError::with_cause(
                "PostgresStore::new: the URL is not a PostgreSQL URL; write it as \
                 postgres://user[:password]@host[:port]/database, \
                 e.g. postgres://postgres@127.0.0.1/test",
                e,
            )
        })?;
        let address = describe(&config);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(DEFAULT_MAX_CONNECTIONS)
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::with_cause("PostgresStore::new: cannot build the pool", e))?;
        let store = PostgresStore {
            pool,
            options: Arc::new(Options::new(None, "session".to_owned())),
            lazy: Arc::default(),
        };
        match store.client().await {
            Ok(_) => Ok(store),
            Err(e) => Err(StoreError::with_cause(
                format!(
                    "PostgresStore::new cannot connect to PostgreSQL at {address}; start the \
                     server or fix the URL (user, database, port)"
                ),
                e,
            )),
        }
    }

    /// Changes the options: the table check and the pruning task start
    /// again for the new configuration.
    fn configure(mut self, change: impl FnOnce(&mut Options)) -> Self {
        let options = Arc::make_mut(&mut self.options);
        change(options);
        options.sql = Sql::new(options.schema_name.as_deref(), &options.table_name);
        self.lazy = Arc::default();
        self
    }

    /// The schema of the table (connect-pg-simple's `schemaName`; default:
    /// none, i.e. the connection's `search_path`). The schema must exist.
    pub fn schema_name(self, schema: impl Into<String>) -> Self {
        let schema = schema.into();
        self.configure(|o| o.schema_name = Some(schema))
    }

    /// The table's name (connect-pg-simple's `tableName`, default
    /// `session`).
    pub fn table_name(self, table: impl Into<String>) -> Self {
        let table = table.into();
        self.configure(|o| o.table_name = table)
    }

    /// Creates the table and its index if they do not exist, before the
    /// first operation (connect-pg-simple's `createTableIfMissing`, off by
    /// default). [`create_table`](Self::create_table) does it at once.
    pub fn create_table_if_missing(self, create: bool) -> Self {
        self.configure(|o| o.create_table_if_missing = create)
    }

    /// The lifetime of sessions whose cookie has no expiry (browser-session
    /// cookies; connect-pg-simple's `ttl`, default one day).
    pub fn ttl(self, ttl: Duration) -> Self {
        let ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        self.configure(|o| o.ttl_ms = ms)
    }

    /// Makes `touch` do nothing (connect-pg-simple's `disableTouch`): an
    /// unchanged session then expires at the time of its last save.
    pub fn disable_touch(self, disable: bool) -> Self {
        self.configure(|o| o.disable_touch = disable)
    }

    /// How often expired rows are deleted (connect-pg-simple's
    /// `pruneSessionInterval`, default 15 minutes, each wait randomised
    /// between 50 % and 150 %); `None` turns pruning off (expired rows are
    /// then never returned, but stay until [`prune`](Self::prune) runs).
    pub fn prune_interval(self, interval: Option<Duration>) -> Self {
        self.configure(|o| o.prune_interval = interval)
    }

    /// How long an operation may take, waiting for a connection included
    /// (default 2 s). A store call that takes longer fails: loading a
    /// session then answers 500, a save at the end of a request is logged.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.configure(|o| o.timeout = timeout)
    }

    /// The most connections the store opens (default 16).
    pub fn max_connections(self, max: usize) -> Self {
        self.pool.resize(max.max(1));
        self
    }

    /// The table as it appears in statements: `"schema"."table"`.
    pub fn table(&self) -> &str {
        &self.options.sql.table
    }

    /// Creates the table and its index if they do not exist, as
    /// connect-pg-simple's `table.sql` defines them (the primary key and
    /// index are named after the table: `session_pkey` and
    /// `IDX_session_expire` for the default one).
    ///
    /// # Errors
    /// When the database refuses (no such schema, no permission).
    pub async fn create_table(&self) -> Result<(), StoreError> {
        let create = async {
            let client = self.client().await?;
            client
                .batch_execute(&self.options.sql.create)
                .await
                .map_err(|e| self.query_error("CREATE TABLE", e))
        };
        self.timed("CREATE TABLE", create).await
    }

    /// Deletes the expired rows now (connect-pg-simple's `pruneSessions`),
    /// returning how many there were.
    ///
    /// # Errors
    /// When the database fails or does not answer in time.
    pub async fn prune(&self) -> Result<u64, StoreError> {
        let prune = async {
            let client = self.client().await?;
            let statement = self.prepare(&client, &self.options.sql.prune).await?;
            client
                .execute(&statement, &[&now_secs()])
                .await
                .map_err(|e| self.query_error("DELETE", e))
        };
        self.timed("the pruning DELETE", prune).await
    }

    /// A connection from the pool.
    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        let mut timeouts = self.pool.timeouts();
        timeouts.wait = Some(self.options.timeout);
        timeouts.create = Some(self.options.timeout);
        timeouts.recycle = Some(self.options.timeout);
        self.pool.timeout_get(&timeouts).await.map_err(|e| match e {
            PoolError::Timeout(_) => StoreError::new(format!(
                "no PostgreSQL connection within {:?}; is the server up and reachable? \
                 (PostgresStore::timeout sets the limit)",
                self.options.timeout
            )),
            PoolError::Backend(e) => StoreError::with_cause("cannot connect to PostgreSQL", e),
            other => StoreError::with_cause("cannot get a PostgreSQL connection", other),
        })
    }

    async fn prepare(
        &self,
        client: &deadpool_postgres::Client,
        sql: &str,
    ) -> Result<tokio_postgres::Statement, StoreError> {
        client
            .prepare_cached(sql)
            .await
            .map_err(|e| self.query_error("PREPARE", e))
    }

    /// A database error, with a hint when the table is missing.
    fn query_error(&self, what: &str, error: tokio_postgres::Error) -> StoreError {
        if error.code() == Some(&SqlState::UNDEFINED_TABLE) {
            return StoreError::with_cause(
                format!(
                    "the session table {} does not exist; create it with \
                     PostgresStore::create_table_if_missing(true) (or connect-pg-simple's \
                     table.sql)",
                    self.options.sql.table
                ),
                error,
            );
        }
        StoreError::with_cause(format!("PostgreSQL {what} failed"), error)
    }

    /// Runs `operation` with the timeout, after the first-use work.
    async fn timed<T>(
        &self,
        what: &str,
        operation: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.options.timeout, operation).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::new(format!(
                "PostgreSQL did not answer {what} within {:?}; is the server up and reachable? \
                 (PostgresStore::timeout sets the limit)",
                self.options.timeout
            ))),
        }
    }

    /// What connect-pg-simple does before each operation: create the table
    /// (once, if asked) and start the pruning timer.
    async fn first_use(&self) -> Result<(), StoreError> {
        self.start_pruning();
        if self.options.create_table_if_missing {
            self.lazy
                .table
                .get_or_try_init(|| self.create_table())
                .await?;
        }
        Ok(())
    }

    fn start_pruning(&self) {
        let Some(interval) = self.options.prune_interval else {
            return;
        };
        let mut task = self
            .lazy
            .pruning
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if task.is_some() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        // The task holds a store without `lazy`, so that dropping the
        // last handle (and `lazy` with it) stops it.
        let store = PostgresStore {
            pool: self.pool.clone(),
            options: Arc::clone(&self.options),
            lazy: Arc::new(Lazy::default()),
        };
        *task = Some(runtime.spawn(async move {
            loop {
                tokio::time::sleep(randomised(interval)).await;
                if let Err(error) = store.prune().await {
                    tracing::error!(%error, "failed to prune expired sessions");
                }
            }
        }));
    }

    /// `expire` for `session`, in seconds since the epoch: the cookie's
    /// `expires` rounded up, or now plus the TTL.
    fn expire_secs(&self, session: &StoredSession) -> f64 {
        let ms = match session.expires_ms() {
            Some(expires) => expires,
            None => date::now_ms().saturating_add(self.options.ttl_ms),
        };
        ceil_secs(ms) as f64
    }

    async fn try_set_changes(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> Result<(), StoreError> {
        let sql = &self.options.sql;
        let expire = self.expire_secs(session);
        let mut client = self.client().await?;
        // Nobody saved since the request loaded: store it as it is.
        let statement = self.prepare(&client, &sql.update_if_unchanged).await?;
        let updated = client
            .execute(
                &statement,
                &[&session.json(), &expire, &id, &changes.loaded().json()],
            )
            .await
            .map_err(|e| self.query_error("UPDATE", e))?;
        if updated == 1 {
            return Ok(());
        }
        let transaction = client
            .transaction()
            .await
            .map_err(|e| self.query_error("BEGIN", e))?;
        let lock = transaction
            .prepare_cached(&sql.lock)
            .await
            .map_err(|e| self.query_error("PREPARE", e))?;
        let row = transaction
            .query_opt(&lock, &[&id, &now_secs()])
            .await
            .map_err(|e| self.query_error("SELECT ... FOR UPDATE", e))?;
        let current = match row {
            Some(row) if row.try_get::<_, bool>(1).unwrap_or(false) => {
                let text: String = row
                    .try_get(0)
                    .map_err(|e| self.query_error("SELECT ... FOR UPDATE", e))?;
                Some(StoredSession::from_json(text))
            }
            // Missing or expired: as if nothing were stored.
            _ => None,
        };
        let merged = changes.merge(current.as_ref(), session);
        let set = transaction
            .prepare_cached(&sql.set)
            .await
            .map_err(|e| self.query_error("PREPARE", e))?;
        transaction
            .execute(&set, &[&merged.json(), &expire, &id])
            .await
            .map_err(|e| self.query_error("INSERT", e))?;
        transaction
            .commit()
            .await
            .map_err(|e| self.query_error("COMMIT", e))
    }
}

impl Options {
    fn new(schema_name: Option<String>, table_name: String) -> Options {
        let sql = Sql::new(schema_name.as_deref(), &table_name);
        Options {
            schema_name,
            table_name,
            create_table_if_missing: false,
            ttl_ms: DEFAULT_TTL_MS,
            disable_touch: false,
            prune_interval: Some(DEFAULT_PRUNE_INTERVAL),
            timeout: DEFAULT_TIMEOUT,
            sql,
        }
    }
}

impl Sql {
    fn new(schema: Option<&str>, table: &str) -> Sql {
        let quoted = match schema {
            Some(schema) => format!("{}.{}", quote(schema), quote(table)),
            None => quote(table),
        };
        let t = &quoted;
        let create = format!(
            "CREATE TABLE IF NOT EXISTS {t} (\
               \"sid\" varchar NOT NULL COLLATE \"default\", \
               \"sess\" json NOT NULL, \
               \"expire\" timestamp(6) NOT NULL, \
               CONSTRAINT {pkey} PRIMARY KEY (\"sid\") NOT DEFERRABLE INITIALLY IMMEDIATE); \
             CREATE INDEX IF NOT EXISTS {index} ON {t} (\"expire\");",
            pkey = quote(&format!("{table}_pkey")),
            index = quote(&format!("IDX_{table}_expire")),
        );
        let set = format!(
            "INSERT INTO {t} (sess, expire, sid) SELECT $1::text::json, to_timestamp($2), $3 \
             ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess, expire = EXCLUDED.expire"
        );
        Sql {
            create,
            get: format!(
                "SELECT sess::text FROM {t} WHERE sid = $1 AND expire >= to_timestamp($2)"
            ),
            set,
            update_if_unchanged: format!(
                "UPDATE {t} SET sess = $1::text::json, expire = to_timestamp($2) \
                 WHERE sid = $3 AND sess::text = $4"
            ),
            lock: format!(
                "SELECT sess::text, expire >= to_timestamp($2) FROM {t} WHERE sid = $1 FOR UPDATE"
            ),
            destroy: format!("DELETE FROM {t} WHERE sid = $1"),
            touch: format!("UPDATE {t} SET expire = to_timestamp($1) WHERE sid = $2"),
            prune: format!("DELETE FROM {t} WHERE expire < to_timestamp($1)"),
            all: format!("SELECT sid, sess::text FROM {t} WHERE expire >= to_timestamp($1)"),
            length: format!("SELECT count(*) FROM {t} WHERE expire >= to_timestamp($1)"),
            clear: format!("DELETE FROM {t}"),
            table: quoted,
        }
    }
}

/// A quoted identifier (`"` doubled, as connect-pg-simple escapes names).
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `host:port/database` of a configuration, for messages (never the
/// password).
fn describe(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        Some(tokio_postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let database = config.get_dbname().or(config.get_user()).unwrap_or("");
    format!("{host}:{port}/{database}")
}

/// connect-pg-simple's `currentTimestamp()`: now in seconds, rounded up.
fn now_secs() -> f64 {
    ceil_secs(date::now_ms()) as f64
}

/// `ms` milliseconds in seconds, rounded up (`Math.ceil(ms / 1000)`).
fn ceil_secs(ms: i64) -> i64 {
    ms.saturating_add(999).div_euclid(1000)
}

/// `interval` times a random factor between 0.5 and 1.5, as
/// connect-pg-simple spreads the pruning of several instances.
fn randomised(interval: Duration) -> Duration {
    let mut byte = [0u8; 2];
    let random = match getrandom::fill(&mut byte) {
        Ok(()) => f64::from(u16::from_le_bytes(byte)) / f64::from(u16::MAX),
        Err(_) => 0.5,
    };
    interval.mul_f64(0.5 + random)
}

impl SessionStore for PostgresStore {
    /// `SELECT sess` of a row whose `expire` has not passed.
    async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let get = async {
            self.first_use().await?;
            let client = self.client().await?;
            let statement = self.prepare(&client, &self.options.sql.get).await?;
            let row = client
                .query_opt(&statement, &[&id, &now_secs()])
                .await
                .map_err(|e| self.query_error("SELECT", e))?;
            match row {
                None => Ok(None),
                Some(row) => {
                    let text: String = row.try_get(0).map_err(|e| self.query_error("SELECT", e))?;
                    Ok(Some(StoredSession::from_json(text)))
                }
            }
        };
        self.timed("SELECT", get).await
    }

    /// An upsert of `sess` and `expire`.
    async fn set(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        let set = async {
            self.first_use().await?;
            let client = self.client().await?;
            let statement = self.prepare(&client, &self.options.sql.set).await?;
            client
                .execute(
                    &statement,
                    &[&session.json(), &self.expire_secs(session), &id],
                )
                .await
                .map_err(|e| self.query_error("INSERT", e))?;
            Ok(())
        };
        self.timed("INSERT", set).await
    }

    /// The save merged with the row as it is now, in a transaction when
    /// another request saved since this one loaded.
    async fn set_changes(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> Result<(), StoreError> {
        let save = async {
            self.first_use().await?;
            self.try_set_changes(id, session, changes).await
        };
        self.timed("the merging save", save).await
    }

    /// `DELETE` of the row.
    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        let destroy = async {
            self.first_use().await?;
            let client = self.client().await?;
            let statement = self.prepare(&client, &self.options.sql.destroy).await?;
            client
                .execute(&statement, &[&id])
                .await
                .map_err(|e| self.query_error("DELETE", e))?;
            Ok(())
        };
        self.timed("DELETE", destroy).await
    }

    /// `UPDATE` of `expire` only (nothing with `disable_touch`).
    async fn touch(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        if self.options.disable_touch {
            return Ok(());
        }
        let touch = async {
            self.first_use().await?;
            let client = self.client().await?;
            let statement = self.prepare(&client, &self.options.sql.touch).await?;
            client
                .execute(&statement, &[&self.expire_secs(session), &id])
                .await
                .map_err(|e| self.query_error("UPDATE", e))?;
            Ok(())
        };
        self.timed("UPDATE", touch).await
    }

    /// Every row whose `expire` has not passed.
    async fn all(&self) -> Result<Vec<(String, StoredSession)>, StoreError> {
        let all = async {
            self.first_use().await?;
            let client = self.client().await?;
            let statement = self.prepare(&client, &self.options.sql.all).await?;
            let rows = client
                .query(&statement, &[&now_secs()])
                .await
                .map_err(|e| self.query_error("SELECT", e))?;
            rows.into_iter()
                .map(|row| {
                    let id: String = row.try_get(0)?;
                    let text: String = row.try_get(1)?;
                    Ok((id, StoredSession::from_json(text)))
                })
                .collect::<Result<Vec<_>, tokio_postgres::Error>>()
                .map_err(|e| self.query_error("SELECT", e))
        };
        self.timed("SELECT", all).await
    }

    /// How many rows have an `expire` that has not passed.
    async fn length(&self) -> Result<usize, StoreError> {
        let length = async {
            self.first_use().await?;
            let client = self.client().await?;
            let statement = self.prepare(&client, &self.options.sql.length).await?;
            let row = client
                .query_one(&statement, &[&now_secs()])
                .await
                .map_err(|e| self.query_error("SELECT", e))?;
            let count: i64 = row.try_get(0).map_err(|e| self.query_error("SELECT", e))?;
            Ok(usize::try_from(count).unwrap_or(0))
        };
        self.timed("SELECT", length).await
    }

    /// Deletes every row.
    async fn clear(&self) -> Result<(), StoreError> {
        let clear = async {
            self.first_use().await?;
            let client = self.client().await?;
            let statement = self.prepare(&client, &self.options.sql.clear).await?;
            client
                .execute(&statement, &[])
                .await
                .map_err(|e| self.query_error("DELETE", e))?;
            Ok(())
        };
        self.timed("DELETE", clear).await
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("table", &self.options.sql.table)
            .field(
                "create_table_if_missing",
                &self.options.create_table_if_missing,
            )
            .field("ttl_ms", &self.options.ttl_ms)
            .field("disable_touch", &self.options.disable_touch)
            .field("prune_interval", &self.options.prune_interval)
            .field("timeout", &self.options.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_as_connect_pg_simple_quotes_them() {
        let sql = Sql::new(None, "session");
        assert_eq!(sql.table, r#""session""#);
        assert!(
            sql.create
                .contains(r#"CONSTRAINT "session_pkey" PRIMARY KEY"#)
        );
        assert!(
            sql.create
                .contains(r#"INDEX IF NOT EXISTS "IDX_session_expire" ON "session""#)
        );
        let sql = Sql::new(Some("my schema"), r#"odd"name"#);
        assert_eq!(sql.table, r#""my schema"."odd""name""#);
    }

    #[test]
    fn expiry_is_rounded_up_to_the_second() {
        assert_eq!(ceil_secs(1_000), 1);
        assert_eq!(ceil_secs(1_001), 2);
        assert_eq!(ceil_secs(0), 0);
        assert_eq!(ceil_secs(-1), 0);
    }

    #[test]
    fn pruning_waits_between_half_and_one_and_a_half_intervals() {
        for _ in 0..100 {
            let wait = randomised(Duration::from_secs(100));
            assert!(wait >= Duration::from_secs(50) && wait <= Duration::from_secs(150));
        }
    }
}
