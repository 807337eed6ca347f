//! The observation endpoints (the contract's §3), outside every
//! configuration: health, reset, the stores' contents and logs, fault
//! injection, start-up warnings.

use std::time::Duration;

use nestling::http::StatusCode;
use nestling::prelude::*;
use nestling::session::StoreError;
use nestling::{RawBody, Response};
use serde_json::{Value, json};

use crate::actions::reply;
use crate::config_store::ConfigStore;
use crate::configs::NAMES;
use crate::contract::Contract;
use crate::query::QueryString;
use crate::recorder::{Fault, Op};

/// What `/__health` says runs behind the contract.
pub const REFERENCE: &str = concat!(
    "nestling ",
    env!("CARGO_PKG_VERSION"),
    " (examples/session-contract, Rust)"
);

/// `/__health`, `/__reset`, `/__store`, `/__storeapi`, `/__store/put`,
/// `/__control`, `/__warnings`.
#[injectable]
pub struct ObservationController {
    contract: Inject<Contract>,
}

#[controller]
impl ObservationController {
    /// Readiness: every configuration's name.
    #[get("__health")]
    async fn health(&self) -> Json<Value> {
        Json(json!({"ok": true, "configs": NAMES.as_slice(), "reference": REFERENCE}))
    }

    /// Every store emptied, every log and fault cleared, every store
    /// connected, the `genid` counter reset.
    #[get("__reset")]
    async fn reset(&self) -> Response {
        match self.contract.reset().await {
            Ok(()) => reply(StatusCode::OK, json!({"ok": true})),
            Err(error) => store_failed(&error),
        }
    }

    /// A configuration's sessions (raw: expired ones too), op log, backend
    /// log and error log; the logs are emptied.
    #[get("__store")]
    async fn store(&self, req: Req) -> Response {
        let Some((name, store)) = self.store_of(&req) else {
            return unknown_configuration();
        };
        // Errors of a request's end are recorded before its response
        // completes; the pause only keeps the contract's promise.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let sessions = match store.snapshot().await {
            Ok(sessions) => sessions,
            Err(error) => return store_failed(&error),
        };
        let (ops, errors) = store.recorder().take_logs();
        let errors: Vec<Value> = errors
            .into_iter()
            .map(|message| json!({"message": message}))
            .collect();
        reply(
            StatusCode::OK,
            json!({
                "cfg": name,
                "kind": store.kind(),
                "sessions": sessions,
                "ops": ops,
                "backend": [],
                "errors": errors,
            }),
        )
    }

    /// The store's own `all()` and `length()`.
    #[get("__storeapi")]
    async fn store_api(&self, req: Req) -> Response {
        let Some((_, store)) = self.store_of(&req) else {
            return unknown_configuration();
        };
        let (ids, length) = match store.all_and_length().await {
            Ok(listed) => listed,
            Err(error) => {
                return reply(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": error.message()}),
                );
            }
        };
        match store.snapshot().await {
            Ok(sessions) => reply(
                StatusCode::OK,
                json!({"ids": ids, "length": length, "sessions": sessions}),
            ),
            Err(error) => store_failed(&error),
        }
    }

    /// Stores the body verbatim as the session `sid` (a Redis key expiring
    /// after `ttl` seconds if given); nothing is logged.
    #[post("__store/put")]
    #[http_code(200)]
    async fn put(&self, req: Req, body: RawBody) -> Response {
        let Some((_, store)) = self.store_of(&req) else {
            return unknown_configuration();
        };
        let query = QueryString::parse(req.query_string());
        let ttl = match query.get("ttl").map(str::parse::<f64>) {
            None => Ok(None),
            Some(Ok(secs)) if secs.is_finite() && secs > 0.0 => {
                Ok(Some(Duration::from_secs_f64(secs.min(1e9))))
            }
            Some(_) => Err(()),
        };
        let (Some(sid), Ok(json), Ok(ttl)) = (query.get("sid"), std::str::from_utf8(&body.0), ttl)
        else {
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"error": "give ?sid=, an optional ?ttl= of seconds above 0, and a UTF-8 JSON body"}),
            );
        };
        match store.put(sid, json, ttl).await {
            Ok(()) => reply(StatusCode::OK, json!({"ok": true})),
            Err(error) => store_failed(&error),
        }
    }

    /// Fault injection (`fail=<op>&mode=<mode>`) and the store's
    /// `connect`/`disconnect` events (`event=`).
    #[get("__control")]
    async fn control(&self, req: Req) -> Response {
        let Some((_, store)) = self.store_of(&req) else {
            return unknown_configuration();
        };
        let store = store.recorder();
        let query = QueryString::parse(req.query_string());
        let event = match query.get("event") {
            None => None,
            Some("connect") => Some(true),
            Some("disconnect") => Some(false),
            Some(_) => return bad_control(),
        };
        let fault = match (query.get("fail"), query.get("mode")) {
            (None, None) => None,
            (Some(op), Some(mode)) => match (Op::parse(op), Fault::parse(mode)) {
                (Some(op), Some(fault)) => Some((op, fault)),
                _ => return bad_control(),
            },
            _ => return bad_control(),
        };
        if event.is_none() && fault.is_none() {
            return bad_control();
        }
        if let Some(connected) = event {
            store.set_connected(connected);
        }
        match fault {
            Some((op, fault)) => reply(
                StatusCode::OK,
                json!({"ok": true, "fail": store.set_fault(op, fault)}),
            ),
            None => reply(StatusCode::OK, json!({"ok": true})),
        }
    }

    /// The start-up warnings, one per text, sorted.
    #[get("__warnings")]
    async fn warnings(&self) -> Json<Value> {
        let warnings: Vec<Value> = self
            .contract
            .warnings()
            .into_iter()
            .map(|(message, count)| json!({"message": message, "count": count}))
            .collect();
        Json(json!({"warnings": warnings}))
    }
}

impl ObservationController {
    /// The configuration `?cfg=`: its name and store.
    fn store_of(&self, req: &Req) -> Option<(&'static str, &ConfigStore)> {
        let query = QueryString::parse(req.query_string());
        let name = query.get("cfg").unwrap_or_default();
        let configuration = self.contract.configuration(name)?;
        Some((configuration.name, &configuration.store))
    }
}

fn unknown_configuration() -> Response {
    reply(
        StatusCode::NOT_FOUND,
        json!({"error": "unknown configuration"}),
    )
}

/// An observation a Redis store failed (Redis went away).
fn store_failed(error: &StoreError) -> Response {
    reply(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"error": error.to_string()}),
    )
}

fn bad_control() -> Response {
    reply(
        StatusCode::BAD_REQUEST,
        json!({"error": "give fail=get|set|touch|destroy and mode=error|enoent|none, or event=connect|disconnect"}),
    )
}
