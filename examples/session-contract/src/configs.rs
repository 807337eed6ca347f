//! The contract's configurations (its §1 table): one express-session
//! setup each, mounted at `/<name>` with its own store.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nestling::Application;
use nestling::session::{
    CookieOptions, Priority, SameSite, Secure, SessionError, SessionOptions, Unset,
};

use crate::config_store::ConfigStore;
use crate::contract::{Contract, GenIdCounter};
use crate::query::QueryString;

/// Every configuration, in the contract's order.
pub const NAMES: [&str; 37] = [
    "std",
    "eager",
    "legacy",
    "uninit",
    "resave",
    "dflt",
    "maxage",
    "rolling",
    "rollall",
    "notouch",
    "short",
    "expires",
    "both",
    "secure",
    "secureapp",
    "securenp",
    "securedef",
    "auto",
    "ssauto",
    "ssautoplain",
    "sstrue",
    "sslax",
    "ssstrict",
    "ssnone",
    "ssfalse",
    "attrs",
    "attrs2",
    "path",
    "rotate",
    "unset",
    "unsetkeep",
    "genid",
    "dyn",
    "redis",
    "redisnomax",
    "redisnotouch",
    "redisnottl",
];

/// express-session's MemoryStore warning under `NODE_ENV=production`
/// (spec §1.3), which each memory configuration's store gives too.
pub const MEMORY_STORE_WARNING: &str = "Warning: connect.session() MemoryStore is not\n\
designed for a production environment, as it will leak\n\
memory, and will not scale past a single process.";

const SECRET: &str = "keyboard cat";
const MINUTE: Duration = Duration::from_secs(60);

/// 2099-01-01T00:00:00.000Z, the `expires` and `both` configurations' date.
fn year_2099() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(4_070_908_800)
}

/// Mounts every configuration and records the start-up warnings.
///
/// express-session's sub-apps each carry their own "trust proxy"; a
/// nestling app has one. The app trusts proxies (for `secureapp`), and the
/// configurations whose sub-app does not trust them and whose `proxy`
/// option is unset get `proxy: false` instead: on plain HTTP both mean "never
/// secure" (spec T2, T3), so nothing observable changes.
pub fn mount_all(app: &mut Application, contract: &Contract) {
    app.set_trust_proxy(true);
    let production = ["NESTLING_ENV", "NODE_ENV"]
        .iter()
        .any(|var| std::env::var(var).is_ok_and(|v| v == "production"));
    for configuration in contract.configurations() {
        let store = &configuration.store;
        let options = options(configuration.name, store, contract.genid());
        // The same options, validated here too for their deprecation
        // warnings (nestling logs them when the app starts).
        let checked =
            tracing::subscriber::with_default(tracing::subscriber::NoSubscriber::default(), || {
                options.clone().into_config()
            });
        if let Ok(config) = checked {
            for message in config.deprecations() {
                contract.warn(format!("deprecated: {message}"));
            }
        }
        if production && matches!(store, ConfigStore::Memory(_)) {
            tracing::warn!(cfg = configuration.name, "{MEMORY_STORE_WARNING}");
            contract.warn(format!("warn: {MEMORY_STORE_WARNING}"));
        }
        app.use_session_at(format!("/{}", configuration.name), options);
    }
}

/// The session options of the configuration `name` (the contract's §1
/// table), on `store`.
fn options(name: &str, store: &ConfigStore, genid: &GenIdCounter) -> SessionOptions {
    let base = SessionOptions::new()
        .name(format!("{name}.sid"))
        .secret(SECRET);
    let base = match store {
        ConfigStore::Memory(store) => base.store(store.clone()),
        ConfigStore::Redis(store) => base.store(store.clone()),
    }
    .on_commit_error({
        let store = store.clone();
        move |error| store.recorder().record_error(error_message(error))
    });
    // `resave`, `saveUninitialized`: most configurations give both.
    let given = |resave: bool, save_uninitialized: bool| {
        base.clone()
            .resave(resave)
            .save_uninitialized(save_uninitialized)
            .proxy(false)
    };
    let cookie = CookieOptions::default;
    match name {
        "std" => given(false, false),
        "eager" => given(true, true),
        "legacy" => base.proxy(false),
        "uninit" => given(false, true),
        "resave" => given(true, false),
        "dflt" => given(false, true).name(""),
        "maxage" => given(false, false).cookie(cookie().max_age(MINUTE)),
        "rolling" => given(false, false)
            .rolling(true)
            .cookie(cookie().max_age(MINUTE)),
        "rollall" => given(false, true).rolling(true),
        // Its store has no touch() (see `RecordingStore::new`).
        "notouch" => given(false, false).cookie(cookie().max_age(MINUTE)),
        "short" => given(false, false).cookie(cookie().max_age(Duration::from_secs(1))),
        "expires" => given(false, false).cookie(cookie().expires(year_2099())),
        // maxAge is given last, so it wins.
        "both" => given(false, false).cookie(cookie().expires(year_2099()).max_age(MINUTE)),
        "secure" => given(false, false)
            .proxy(true)
            .cookie(cookie().secure(true).max_age(MINUTE)),
        "secureapp" => base
            .resave(false)
            .save_uninitialized(false)
            .cookie(cookie().secure(true).max_age(MINUTE)),
        "securenp" | "securedef" => given(false, false)
            .proxy(false)
            .cookie(cookie().secure(true).max_age(MINUTE)),
        "auto" => given(false, true)
            .rolling(true)
            .proxy(true)
            .cookie(cookie().secure(Secure::Auto).max_age(MINUTE)),
        "ssauto" => given(false, true)
            .rolling(true)
            .proxy(true)
            .cookie(cookie().secure(Secure::Auto).same_site(SameSite::Auto)),
        "ssautoplain" => given(false, true)
            .rolling(true)
            .proxy(true)
            .cookie(cookie().same_site(SameSite::Auto)),
        "sstrue" => given(false, true).cookie(cookie().same_site(SameSite::True)),
        "sslax" => given(false, true).cookie(cookie().same_site(SameSite::Lax)),
        "ssstrict" => given(false, true).cookie(cookie().same_site(SameSite::Strict)),
        "ssnone" => given(false, true).cookie(cookie().same_site(SameSite::None)),
        "ssfalse" => given(false, true).cookie(cookie().same_site(SameSite::False)),
        "attrs" => given(false, true).cookie(
            cookie()
                .domain("example.test")
                .http_only(false)
                .partitioned(true)
                .priority(Priority::High)
                .path("/attrs"),
        ),
        "attrs2" => given(false, true).cookie(
            cookie()
                .domain(".example.test")
                .http_only(true)
                .partitioned(false)
                .priority(Priority::Low)
                .secure(false)
                .same_site(SameSite::Lax)
                .max_age(MINUTE),
        ),
        "path" => given(false, false).cookie(cookie().path("/path/in")),
        "rotate" => given(false, false)
            .secrets(["new secret", "old secret"])
            .cookie(cookie().max_age(MINUTE)),
        "unset" => given(false, false).unset(Unset::Destroy),
        "unsetkeep" => given(false, false).unset(Unset::Keep),
        "genid" => {
            let counter = genid.clone();
            given(false, true).genid(move |parts| {
                match QueryString::parse(parts.uri.query()).get("gid") {
                    Some(gid) => gid.to_owned(),
                    None => counter.next_id(),
                }
            })
        }
        "dyn" => given(false, false).cookie_with(move |parts| {
            let query = QueryString::parse(parts.uri.query());
            let path = query.get("p").filter(|p| !p.is_empty()).unwrap_or("/dyn");
            let long = query.get("long").is_some_and(|l| !l.is_empty());
            cookie()
                .path(path.to_owned())
                .max_age(if long { 2 * MINUTE } else { MINUTE })
        }),
        // connect-redis' options (`disableTouch`, `disableTTL`) are the
        // store's (`redis_store.rs`).
        "redis" | "redisnotouch" | "redisnottl" => {
            given(false, false).cookie(cookie().max_age(MINUTE))
        }
        "redisnomax" => given(false, false),
        // Every name of NAMES is above; a new one starts as `std`.
        _ => given(false, false),
    }
}

/// The error log's message for an error at the end of a request: a store
/// error's own message, `internal` for anything else (a cookie that cannot
/// be written).
fn error_message(error: &SessionError) -> String {
    match error.store_error() {
        Some(store) => store.message().to_owned(),
        None => "internal".to_owned(),
    }
}
