//! Sessions in Redis, byte-compatible with connect-redis 9 (spec §10.3), so
//! an Express app and a nestling app can share them.
//!
//! * RD1: the key is `prefix + id` (`sess:` by default).
//! * RD2: the value is express-session's JSON document, as it is.
//! * RD3: the TTL is the cookie's `expires` minus now, in seconds rounded
//!   up, or the `ttl` option (one day) for a browser-session cookie.
//! * RD4: `SET key value EX ttl` (no `EX` with `disable_ttl`); a TTL of
//!   zero or less deletes the key instead.
//! * RD5: `touch` is `EXPIRE key ttl` (nothing with `disable_touch` or
//!   `disable_ttl`): the stored document keeps the `expires` of its last
//!   save, as with connect-redis.
//! * RD8: `all`, `length` and `clear` walk the prefix with `SCAN`.
//!
//! One multiplexed connection ([`ConnectionManager`]) serves every request
//! and reconnects by itself; every operation has a timeout, after which
//! the request gets a [`StoreError`] instead of waiting.
//!
//! Saves of a loaded session ([`SessionStore::set_changes`]) run a Lua
//! script, atomically and in one round trip like `SET`: if the key still
//! holds what the request loaded (or nothing), it stores the new document;
//! otherwise it merges, key by key, the members the request changed into
//! what the key holds, as [`SessionChanges::merge`] does. The script splits
//! the stored JSON into its top-level members as text, so the document
//! keeps express-session's format byte for byte (Redis' `cjson` would
//! reorder keys and rewrite numbers). An optimistic `WATCH`/`MULTI` or
//! compare-and-set loop was the alternative: it needs a connection per save
//! (WATCH) or retries that grow with the square of the writers (200
//! overlapping writers, 20 000 attempts).

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};

use super::merge::name_json;
use super::{SessionChanges, SessionStore, StoreError, StoredSession};
use crate::session::date;

/// connect-redis' default key prefix.
const DEFAULT_PREFIX: &str = "sess:";
/// connect-redis' default TTL for sessions without an expiry: one day.
const DEFAULT_TTL_SECS: i64 = 86_400;
/// connect-redis' default `COUNT` for `SCAN`.
const DEFAULT_SCAN_COUNT: usize = 100;
/// How long an operation may take before it fails.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// Keys per `MGET`/`DEL` when walking the prefix.
const BATCH: usize = 500;

/// The merging save. `KEYS[1]`: the session's key. `ARGV[1]`: the TTL in
/// seconds (empty: none); `ARGV[2]`: the document the request loaded;
/// `ARGV[3]`: the document it saves; `ARGV[4]`: that document's cookie;
/// then pairs of a changed member's name (as JSON) and its new value (as
/// JSON; empty when removed). Stores `ARGV[3]` as it is when the key holds
/// nothing, what was loaded, or something that is not a session; answers
/// 1, 2 or 3 for stored, replaced and merged.
const MERGE: &str = r#"
local function skip_string(text, i)
  while true do
    local j = string.find(text, '["\\]', i)
    if not j then return nil end
    if string.byte(text, j) == 92 then i = j + 2 else return j + 1 end
  end
end

-- The top-level members of a JSON object as text: a list of {name, value}
-- and an index by name (a repeated name keeps its first place and last
-- value, as JSON.parse does); nil for anything but an object.
local function members(text)
  local i = string.find(text, '%S')
  if not i or string.byte(text, i) ~= 123 then return nil end
  local list, index = {}, {}
  i = string.find(text, '%S', i + 1)
  if i and string.byte(text, i) == 125 then
    i = i + 1
  else
    while true do
      if not i or string.byte(text, i) ~= 34 then return nil end
      local name_start = i
      i = skip_string(text, i + 1)
      if not i then return nil end
      local name = string.sub(text, name_start, i - 1)
      i = string.find(text, '%S', i)
      if not i or string.byte(text, i) ~= 58 then return nil end
      i = string.find(text, '%S', i + 1)
      if not i then return nil end
      local value_start, depth, value_end = i, 0, nil
      while true do
        local j = string.find(text, '[",{}%[%]]', i)
        if not j then return nil end
        local c = string.byte(text, j)
        if c == 34 then
          i = skip_string(text, j + 1)
          if not i then return nil end
        elseif c == 123 or c == 91 then
          depth = depth + 1
          i = j + 1
        elseif depth > 0 then
          if c ~= 44 then depth = depth - 1 end
          i = j + 1
        else
          value_end = j
          break
        end
      end
      local value = (string.gsub(string.sub(text, value_start, value_end - 1), '%s+$', ''))
      if value == '' then return nil end
      if index[name] then
        list[index[name]][2] = value
      else
        list[#list + 1] = {name, value}
        index[name] = #list
      end
      local c = string.byte(text, value_end)
      i = value_end + 1
      if c == 125 then break end
      if c ~= 44 then return nil end
      i = string.find(text, '%S', i)
    end
  end
  if string.find(text, '%S', i) then return nil end
  return list, index
end

local function store(value)
  if ARGV[1] == '' then
    redis.call('SET', KEYS[1], value)
  else
    redis.call('SET', KEYS[1], value, 'EX', ARGV[1])
  end
end

local current = redis.call('GET', KEYS[1])
if not current or current == ARGV[2] then
  store(ARGV[3])
  return 1
end
local list, index = members(current)
if not list or not index['"cookie"'] then
  store(ARGV[3])
  return 2
end
local changed, order = {}, {}
for a = 5, #ARGV, 2 do
  changed[ARGV[a]] = ARGV[a + 1]
  order[#order + 1] = ARGV[a]
end
local out = {}
for _, member in ipairs(list) do
  local name, value = member[1], member[2]
  if name == '"cookie"' then
    out[#out + 1] = name .. ':' .. ARGV[4]
  elseif changed[name] == nil then
    out[#out + 1] = name .. ':' .. value
  elseif changed[name] ~= '' then
    out[#out + 1] = name .. ':' .. changed[name]
  end
end
for _, name in ipairs(order) do
  if not index[name] and changed[name] ~= '' then
    out[#out + 1] = name .. ':' .. changed[name]
  end
end
store('{' .. table.concat(out, ',') .. '}')
return 3
"#;

/// Sessions in Redis, readable and writable by an Express app using
/// connect-redis with the same prefix (feature `redis`).
///
/// [`RedisStore::new`] connects (a wrong URL or an unreachable server is
/// an error at start-up); the builder methods set connect-redis' options.
/// Cloning gives another handle on the same connection.
///
/// ```no_run
/// use std::time::Duration;
/// use nestling::session::{RedisStore, SessionOptions};
///
/// # async fn setup(app: &mut nestling::Application) -> Result<(), nestling::session::StoreError> {
/// let store = RedisStore::new("redis://127.0.0.1:6379")
///     .await?
///     .prefix("myapp:")
///     .timeout(Duration::from_millis(500));
/// app.use_session(SessionOptions::new().secret("keyboard cat").store(store));
/// # Ok(()) }
/// ```
///
/// Overlapping requests on one session that change different keys all
/// keep their changes (see [`SessionChanges`]); the same key written by
/// two requests keeps the last one.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    options: Arc<Options>,
}

#[derive(Clone)]
struct Options {
    prefix: String,
    ttl_secs: i64,
    disable_touch: bool,
    disable_ttl: bool,
    scan_count: usize,
    timeout: Duration,
    merge: Script,
}

impl RedisStore {
    /// Connects to the Redis server at `url`
    /// (`redis://[[user]:password@]host[:port][/db]`, or
    /// `redis+unix:///path/to/socket`).
    ///
    /// # Errors
    /// When `url` is not a Redis URL, or the server does not answer within
    /// the default timeout (2 s): the message says what to fix. Once
    /// connected, the store reconnects by itself whenever the connection
    /// is lost.
    pub async fn new(url: &str) -> Result<RedisStore, StoreError> {
        let client = Client::open(url).map_err(|e| {
            StoreError::with_cause(
                "RedisStore::new: the URL is not a Redis URL; write it as \
                 redis://[[user]:password@]host[:port][/db], e.g. redis://127.0.0.1:6379",
                e,
            )
        })?;
        let address = client.get_connection_info().addr().to_string();
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(DEFAULT_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1));
        let connecting = ConnectionManager::new_with_config(client, config);
        let connection = match tokio::time::timeout(DEFAULT_TIMEOUT * 2, connecting).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(e)) => {
                return Err(StoreError::with_cause(
                    format!(
                        "RedisStore::new cannot connect to Redis at {address}; start the server \
                         (`redis-server`) or fix the URL"
                    ),
                    e,
                ));
            }
            Err(_) => {
                return Err(StoreError::new(format!(
                    "RedisStore::new: Redis at {address} did not answer within {:?}; \
                     check that the server is running and reachable",
                    DEFAULT_TIMEOUT * 2
                )));
            }
        };
        Ok(RedisStore {
            connection,
            options: Arc::new(Options {
                prefix: DEFAULT_PREFIX.to_owned(),
                ttl_secs: DEFAULT_TTL_SECS,
                disable_touch: false,
                disable_ttl: false,
                scan_count: DEFAULT_SCAN_COUNT,
                timeout: DEFAULT_TIMEOUT,
                merge: Script::new(MERGE),
            }),
        })
    }

    fn options_mut(&mut self) -> &mut Options {
        Arc::make_mut(&mut self.options)
    }

    /// The prefix of every key (connect-redis' `prefix`, default `sess:`):
    /// use the Express app's prefix to share its sessions, or one prefix
    /// per app to keep them apart.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), nestling::session::StoreError> {
    /// let store = nestling::session::RedisStore::new("redis://127.0.0.1").await?.prefix("myapp:");
    /// assert_eq!(store.key("abc"), "myapp:abc");
    /// # Ok(()) }
    /// ```
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.options_mut().prefix = prefix.into();
        self
    }

    /// The lifetime of sessions whose cookie has no expiry (browser-session
    /// cookies), in whole seconds rounded up (connect-redis' `ttl`, default
    /// one day). Sessions with a `max_age` expire with their cookie.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        let secs = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
        self.options_mut().ttl_secs = i64::try_from(secs).unwrap_or(i64::MAX);
        self
    }

    /// Makes `touch` do nothing (connect-redis' `disableTouch`): an
    /// unchanged session then expires at the time of its last save.
    pub fn disable_touch(mut self, disable: bool) -> Self {
        self.options_mut().disable_touch = disable;
        self
    }

    /// Stores sessions without a TTL (connect-redis' `disableTTL`): they
    /// stay until destroyed (or evicted by Redis). A session whose cookie
    /// already expired is still deleted rather than saved.
    pub fn disable_ttl(mut self, disable: bool) -> Self {
        self.options_mut().disable_ttl = disable;
        self
    }

    /// The `COUNT` hint of the `SCAN`s behind `all`, `length` and `clear`
    /// (connect-redis' `scanCount`, default 100).
    pub fn scan_count(mut self, count: usize) -> Self {
        self.options_mut().scan_count = count.max(1);
        self
    }

    /// How long an operation may take (default 2 s). A store call that
    /// takes longer fails: loading a session then answers 500, a save at
    /// the end of a request is logged.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options_mut().timeout = timeout;
        self
    }

    /// The Redis key of the session `id`: the prefix, then the id.
    pub fn key(&self, id: &str) -> String {
        let mut key = String::with_capacity(self.options.prefix.len() + id.len());
        key.push_str(&self.options.prefix);
        key.push_str(id);
        key
    }

    /// RD3: the TTL in seconds for `session`.
    fn ttl_of(&self, session: &StoredSession) -> i64 {
        match session.expires_ms() {
            Some(expires) => ceil_secs(expires.saturating_sub(date::now_ms())),
            None => self.options.ttl_secs,
        }
    }

    /// Runs `command` with the timeout; `what` names it in errors.
    async fn run<T>(
        &self,
        what: &'static str,
        command: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.options.timeout, command).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(StoreError::with_cause(format!("Redis {what} failed"), e)),
            Err(_) => Err(timed_out(what, self.options.timeout)),
        }
    }

    /// Every key under the prefix (SCAN may repeat keys: they are
    /// deduplicated).
    async fn keys(&self) -> Result<Vec<String>, StoreError> {
        let pattern = format!("{}*", glob_escape(&self.options.prefix));
        let mut seen = HashSet::new();
        let mut keys = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let mut connection = self.connection.clone();
            let (next, batch): (u64, Vec<String>) = self
                .run(
                    "SCAN",
                    redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(self.options.scan_count)
                        .query_async(&mut connection),
                )
                .await?;
            for key in batch {
                if seen.insert(key.clone()) {
                    keys.push(key);
                }
            }
            if next == 0 {
                return Ok(keys);
            }
            cursor = next;
        }
    }

    /// `SET key document [EX ttl]`, or `DEL key` when the TTL is over.
    async fn store(&self, key: &str, session: &StoredSession) -> Result<(), StoreError> {
        let ttl = self.ttl_of(session);
        let mut connection = self.connection.clone();
        if ttl <= 0 {
            return self
                .run(
                    "DEL",
                    redis::cmd("DEL").arg(key).exec_async(&mut connection),
                )
                .await;
        }
        let mut command = redis::cmd("SET");
        command.arg(key).arg(session.json());
        if !self.options.disable_ttl {
            command.arg("EX").arg(ttl);
        }
        self.run("SET", command.exec_async(&mut connection)).await
    }

    /// The merging save: one run of the [`MERGE`] script.
    async fn store_merged(
        &self,
        key: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> Result<(), StoreError> {
        let ttl = match self.ttl_of(session) {
            ttl if ttl <= 0 => return self.store(key, session).await,
            _ if self.options.disable_ttl => String::new(),
            ttl => ttl.to_string(),
        };
        let (Some(cookie), Some(changed)) = (session.cookie_json(), changes.changed_keys(session))
        else {
            // Not documents the session layer writes: nothing to merge.
            return self.store(key, session).await;
        };
        let mut invocation = self.options.merge.key(key);
        invocation
            .arg(ttl)
            .arg(changes.loaded().json())
            .arg(session.json())
            .arg(cookie);
        for (name, value) in &changed {
            invocation
                .arg(name_json(name))
                .arg(value.as_deref().unwrap_or(""));
        }
        let mut connection = self.connection.clone();
        let _how: i64 = self
            .run("EVALSHA", invocation.invoke_async(&mut connection))
            .await?;
        Ok(())
    }
}

/// `ms` milliseconds in seconds, rounded up (`Math.ceil(ms / 1000)`).
fn ceil_secs(ms: i64) -> i64 {
    ms.saturating_add(999).div_euclid(1000)
}

/// The error of an operation that took longer than `timeout`.
fn timed_out(what: &str, timeout: Duration) -> StoreError {
    StoreError::new(format!(
        "Redis did not answer {what} within {timeout:?}; is the server up and reachable? \
         (RedisStore::timeout sets the limit)"
    ))
}

/// `text` with the glob characters of `SCAN MATCH` escaped, so a prefix
/// is matched literally.
fn glob_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A stored value as a session document; a clear error for bytes that
/// are not text.
fn document(key: &str, bytes: Vec<u8>) -> Result<StoredSession, StoreError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(StoredSession::from_json(text)),
        Err(e) => Err(StoreError::with_cause(
            format!("the value of the Redis key {key} is not a session document (not UTF-8 text)"),
            e,
        )),
    }
}

impl SessionStore for RedisStore {
    /// RD6: `GET prefix+id`.
    async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let key = self.key(id);
        let mut connection = self.connection.clone();
        let value: Option<Vec<u8>> = self
            .run(
                "GET",
                redis::cmd("GET").arg(&key).query_async(&mut connection),
            )
            .await?;
        value.map(|bytes| document(&key, bytes)).transpose()
    }

    /// RD4: `SET prefix+id document EX ttl`, or `DEL` when the cookie
    /// already expired.
    async fn set(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        self.store(&self.key(id), session).await
    }

    /// The save merged with what Redis holds, atomically (a Lua script):
    /// overlapping requests that change different keys all keep their
    /// changes.
    async fn set_changes(
        &self,
        id: &str,
        session: &StoredSession,
        changes: &SessionChanges,
    ) -> Result<(), StoreError> {
        self.store_merged(&self.key(id), session, changes).await
    }

    /// RD7: `DEL prefix+id`.
    async fn destroy(&self, id: &str) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        self.run(
            "DEL",
            redis::cmd("DEL")
                .arg(self.key(id))
                .exec_async(&mut connection),
        )
        .await
    }

    /// RD5: `EXPIRE prefix+id ttl`, unless touch or the TTL is disabled.
    async fn touch(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        if self.options.disable_touch || self.options.disable_ttl {
            return Ok(());
        }
        let ttl = self.ttl_of(session);
        let mut connection = self.connection.clone();
        self.run(
            "EXPIRE",
            redis::cmd("EXPIRE")
                .arg(self.key(id))
                .arg(ttl)
                .exec_async(&mut connection),
        )
        .await
    }

    /// RD8: every session under the prefix (`SCAN`, then `MGET`).
    async fn all(&self) -> Result<Vec<(String, StoredSession)>, StoreError> {
        let keys = self.keys().await?;
        let mut sessions = Vec::with_capacity(keys.len());
        for batch in keys.chunks(BATCH) {
            let mut connection = self.connection.clone();
            let values: Vec<Option<Vec<u8>>> = self
                .run(
                    "MGET",
                    redis::cmd("MGET").arg(batch).query_async(&mut connection),
                )
                .await?;
            for (key, value) in batch.iter().zip(values) {
                // A key that expired between SCAN and MGET is skipped.
                if let Some(bytes) = value {
                    let id = key[self.options.prefix.len()..].to_owned();
                    sessions.push((id, document(key, bytes)?));
                }
            }
        }
        Ok(sessions)
    }

    /// RD8: how many keys the prefix has.
    async fn length(&self) -> Result<usize, StoreError> {
        Ok(self.keys().await?.len())
    }

    /// RD8: deletes every key under the prefix.
    async fn clear(&self) -> Result<(), StoreError> {
        let keys = self.keys().await?;
        for batch in keys.chunks(BATCH) {
            let mut connection = self.connection.clone();
            self.run(
                "DEL",
                redis::cmd("DEL").arg(batch).exec_async(&mut connection),
            )
            .await?;
        }
        Ok(())
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.options.prefix)
            .field("ttl_secs", &self.options.ttl_secs)
            .field("disable_touch", &self.options.disable_touch)
            .field("disable_ttl", &self.options.disable_ttl)
            .field("scan_count", &self.options.scan_count)
            .field("timeout", &self.options.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_matched_literally() {
        assert_eq!(glob_escape("sess:"), "sess:");
        assert_eq!(glob_escape(r"a*b?[c]\"), r"a\*b\?\[c\]\\");
    }

    #[test]
    fn ttl_is_rounded_up_to_whole_seconds() {
        assert_eq!(ceil_secs(60_000), 60);
        assert_eq!(ceil_secs(59_001), 60);
        assert_eq!(ceil_secs(1), 1);
        assert_eq!(ceil_secs(0), 0);
        assert_eq!(ceil_secs(-1), 0);
        assert_eq!(ceil_secs(-999), 0);
        assert_eq!(ceil_secs(-1000), -1);
        assert_eq!(ceil_secs(-1500), -1);
    }
}
