//! What the macros' generated code calls. Not a public API.

pub use std::sync::Arc;

pub use inventory;

pub use crate::controller::{
    BoundHandler, Controller, ControllerDef, ControllerRegistration, Instance, bound,
    construct_default, downcast, finish,
};
pub use crate::injector::{Injector, inject};
pub use crate::module::{Module, ModuleDef, ModuleRegistration};
pub use crate::request::RequestContext;
pub use crate::response::{IntoResponse, Response};
pub use crate::routing::{ArgInfo, ArgKind, RouteDef, RouteMethod};

/// `TypeId::of::<T>` as a function pointer.
pub fn type_id<T: 'static>() -> std::any::TypeId {
    std::any::TypeId::of::<T>()
}

/// Converts a handler's result.
pub fn into_response<T: IntoResponse>(value: T) -> Response {
    value.into_response()
}
