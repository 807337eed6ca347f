//! What the macros' generated code calls. Not a public API.

pub use std::sync::Arc;

pub use inventory;

pub use crate::__nestling_hooks as hooks;
pub use crate::controller::{
    BoundHandler, Controller, ControllerDef, ControllerRegistration, Finished, Instance, bound,
    construct_controller, downcast, finish, scope_of,
};
pub use crate::di::export_probe::{ExportModule, ExportProbe, ExportToken};
pub use crate::di::{
    Dependency, DiError, DynamicModule, Export, Import, InjectField, Injectable,
    InjectableRegistration, Provider, Resolver, Scope, Token,
};
pub use crate::injector::Injector;
pub use crate::module::{Module, ModuleDef, ModuleRegistration};
pub use crate::request::RequestContext;
pub use crate::response::{IntoResponse, Response};
pub use crate::routing::{ArgInfo, ArgKind, RouteDef, RouteMethod};
pub use crate::view::rendering::render_route;
pub use std::borrow::Cow;

/// `TypeId::of::<T>` as a function pointer.
pub fn type_id<T: 'static>() -> std::any::TypeId {
    std::any::TypeId::of::<T>()
}

/// Converts a handler's result.
pub fn into_response<T: IntoResponse>(value: T) -> Response {
    value.into_response()
}

/// Looks a request up in the app's route table without running anything;
/// `framework/benches/routing.rs` measures routing alone through it.
pub fn route_exists(service: &crate::AppService, method: &http::Method, path: &str) -> bool {
    let lookup = service.shared().router.lookup(method, path, None);
    matches!(lookup, crate::routing::Lookup::Found { .. })
}
