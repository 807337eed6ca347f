//! The observation endpoints (the contract's §3), outside every
//! configuration: health, reset, the stores' contents and logs, fault
//! injection, start-up warnings.

use std::time::Duration;

use nestling::http::StatusCode;
use nestling::prelude::*;
use nestling::session::SessionStore;
use nestling::{RawBody, Response};
use serde_json::{Value, json};

use crate::actions::reply;
use crate::configs::NAMES;
use crate::contract::Contract;
use crate::query::QueryString;
use crate::store::{Fault, Op, RecordingStore};

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
    async fn reset(&self) -> Json<Value> {
        self.contract.reset();
        Json(json!({"ok": true}))
    }

    /// A configuration's sessions (raw: expired ones too), op log, backend
    /// log and error log; the logs are emptied.
    #[get("__store")]
    async fn store(&self, req: Req) -> Response {
        let (name, store) = match self.memory_store(&req) {
            Ok(found) => found,
            Err(missing) => return missing.response(),
        };
        // Errors of a request's end are recorded before its response
        // completes; the pause only keeps the contract's promise.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let sessions = store.snapshot();
        let (ops, errors) = store.take_logs();
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
        let (_, store) = match self.memory_store(&req) {
            Ok(found) => found,
            Err(missing) => return missing.response(),
        };
        let (all, length) = match (store.all().await, store.length().await) {
            (Ok(all), Ok(length)) => (all, length),
            (Err(error), _) | (_, Err(error)) => {
                return reply(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": error.message()}),
                );
            }
        };
        let mut ids: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
        ids.sort_unstable();
        reply(
            StatusCode::OK,
            json!({"ids": ids, "length": length, "sessions": store.snapshot()}),
        )
    }

    /// Stores the body verbatim as the session `sid`; nothing is logged.
    #[post("__store/put")]
    #[http_code(200)]
    async fn put(&self, req: Req, body: RawBody) -> Response {
        let (_, store) = match self.memory_store(&req) {
            Ok(found) => found,
            Err(missing) => return missing.response(),
        };
        let query = QueryString::parse(req.query_string());
        let (Some(sid), Ok(json)) = (query.get("sid"), std::str::from_utf8(&body.0)) else {
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"error": "give ?sid= and a UTF-8 JSON body"}),
            );
        };
        store.put(sid, json);
        reply(StatusCode::OK, json!({"ok": true}))
    }

    /// Fault injection (`fail=<op>&mode=<mode>`) and the store's
    /// `connect`/`disconnect` events (`event=`).
    #[get("__control")]
    async fn control(&self, req: Req) -> Response {
        let (_, store) = match self.memory_store(&req) {
            Ok(found) => found,
            Err(missing) => return missing.response(),
        };
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
    /// The memory store of the configuration `?cfg=`.
    fn memory_store(&self, req: &Req) -> Result<(&'static str, &RecordingStore), Missing> {
        let query = QueryString::parse(req.query_string());
        let name = query.get("cfg").unwrap_or_default();
        let configuration = self.contract.configuration(name).ok_or(Missing::Unknown)?;
        match &configuration.store {
            Some(store) => Ok((configuration.name, store)),
            None => Err(Missing::Redis(configuration.name)),
        }
    }
}

/// Why `?cfg=` names no memory store.
enum Missing {
    Unknown,
    Redis(&'static str),
}

impl Missing {
    fn response(self) -> Response {
        match self {
            Missing::Unknown => reply(
                StatusCode::NOT_FOUND,
                json!({"error": "unknown configuration"}),
            ),
            Missing::Redis(name) => crate::not_implemented(name),
        }
    }
}

fn bad_control() -> Response {
    reply(
        StatusCode::BAD_REQUEST,
        json!({"error": "give fail=get|set|touch|destroy and mode=error|enoent|none, or event=connect|disconnect"}),
    )
}
