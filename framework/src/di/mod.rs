//! Dependency injection, as Nest's: providers live in modules, a module sees
//! its own providers, the exports of the modules it imports and the exports of
//! global modules; everything is resolved and checked once at start-up.
//!
//! * `token.rs`: what a dependency is asked for by (a type, maybe a name).
//! * `inject.rs`: the field and parameter types (`Inject<T>`, `Lazy<T>`, ...).
//! * `provider.rs`: classes, values, factories, aliases; scopes.
//! * `injectable.rs`: the trait `#[injectable]` implements.
//! * `lifecycle.rs`: `OnModuleInit` and the other hooks.
//! * `dynamic.rs`: modules built at run time (`ConfigModule::for_root(..)`).
//! * `graph.rs`: the module graph, visibility, and every start-up check.
//! * `container.rs`: the instances, built in dependency order, and resolution.

mod container;
mod dynamic;
mod graph;
mod inject;
mod injectable;
mod lifecycle;
mod provider;
mod token;

pub(crate) use container::{Container, RequestScope};
pub use container::{DiError, Resolver};
#[doc(hidden)]
pub use dynamic::export_probe;
pub use dynamic::{DynamicModule, Export, Import};
pub use graph::InjectableRegistration;
pub(crate) use graph::build_graph;
pub use inject::{Inject, InjectField, Lazy};
pub use injectable::Injectable;
pub use lifecycle::{
    BeforeApplicationShutdown, Hooks, OnApplicationBootstrap, OnApplicationShutdown,
    OnModuleDestroy, OnModuleInit,
};
pub(crate) use provider::Erased;
pub use provider::{Dependency, Factory, FactoryArgs, Provider, Scope};
pub use token::Token;

#[doc(hidden)]
pub use lifecycle::probe;
