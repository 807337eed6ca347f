//! What every configuration's store records, whatever keeps its sessions:
//! the op log (each call the session layer makes), the error log (what
//! reached the configuration's error handler), the injected faults and the
//! `connect`/`disconnect` state. The memory store (`store.rs`) and the
//! Redis store (`redis_store.rs`) each hold one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use nestling::session::StoreError;
use serde_json::{Map, Value};

/// A store operation that can be made to fail (`/__control?fail=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `get`
    Get,
    /// `set`
    Set,
    /// `touch`
    Touch,
    /// `destroy`
    Destroy,
}

impl Op {
    /// The operation named `name`.
    pub fn parse(name: &str) -> Option<Op> {
        match name {
            "get" => Some(Op::Get),
            "set" => Some(Op::Set),
            "touch" => Some(Op::Touch),
            "destroy" => Some(Op::Destroy),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::Set => "set",
            Op::Touch => "touch",
            Op::Destroy => "destroy",
        }
    }
}

/// How an operation misbehaves (`/__control?mode=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    /// It does its work.
    #[default]
    None,
    /// It fails with `store <op> failed`.
    Error,
    /// It fails with `store <op> not found`, Node's `ENOENT`
    /// ([`StoreError::not_found`]): a `get` failing so means "no session".
    NotFound,
}

impl Fault {
    /// The mode named `name`.
    pub fn parse(name: &str) -> Option<Fault> {
        match name {
            "none" => Some(Fault::None),
            "error" => Some(Fault::Error),
            "enoent" => Some(Fault::NotFound),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Error => "error",
            Fault::NotFound => "enoent",
        }
    }
}

/// One store's logs, faults and connection state.
pub struct Recorder {
    /// The store's `connect`/`disconnect` events (spec S3).
    connected: AtomicBool,
    // A std mutex: no critical section awaits, and each is a vector push
    // or swap.
    logs: Mutex<Logs>,
}

#[derive(Default)]
struct Logs {
    ops: Vec<Value>,
    errors: Vec<String>,
    faults: [Fault; 4],
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            connected: AtomicBool::new(true),
            logs: Mutex::default(),
        }
    }
}

impl Recorder {
    fn logs(&self) -> MutexGuard<'_, Logs> {
        // Nothing can panic while the lock is held; if it did, the logs are
        // still worth reading.
        self.logs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Logs a call, then fails it if told to ("the call is still logged").
    pub fn call(&self, op: Op, entry: Value) -> Result<(), StoreError> {
        let mut logs = self.logs();
        logs.ops.push(entry);
        match logs.faults[op as usize] {
            Fault::None => Ok(()),
            Fault::Error => Err(StoreError::new(format!("store {} failed", op.name()))),
            Fault::NotFound => Err(StoreError::not_found(format!(
                "store {} not found",
                op.name()
            ))),
        }
    }

    /// Logs a call the store makes on itself, which cannot fail on its own
    /// (connect-redis' `set` calling `destroy`).
    pub fn log(&self, entry: Value) {
        self.logs().ops.push(entry);
    }

    /// `/__reset`: empty logs, no faults, connected.
    pub fn reset(&self) {
        *self.logs() = Logs::default();
        self.set_connected(true);
    }

    /// The store's `connect` (true) or `disconnect` (false) event.
    pub fn set_connected(&self, connected: bool) {
        self.connected.store(connected, Ordering::SeqCst);
    }

    /// Whether the store is connected (its `is_ready`).
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::SeqCst)
    }

    /// Makes `op` misbehave from now on; returns every operation's mode.
    pub fn set_fault(&self, op: Op, fault: Fault) -> Value {
        let mut logs = self.logs();
        logs.faults[op as usize] = fault;
        faults_json(&logs.faults)
    }

    /// Appends `message` to the configuration's error log.
    pub fn record_error(&self, message: impl Into<String>) {
        self.logs().errors.push(message.into());
    }

    /// The op log and the error log since the last call, which empties
    /// both.
    pub fn take_logs(&self) -> (Vec<Value>, Vec<String>) {
        let mut logs = self.logs();
        (
            std::mem::take(&mut logs.ops),
            std::mem::take(&mut logs.errors),
        )
    }
}

/// `{"get": "none", "set": "error", ...}`.
fn faults_json(faults: &[Fault; 4]) -> Value {
    let mut map = Map::new();
    for op in [Op::Get, Op::Set, Op::Touch, Op::Destroy] {
        map.insert(op.name().to_owned(), faults[op as usize].name().into());
    }
    Value::Object(map)
}
