//! Modules: what `#[module]` registers. A module groups controllers and
//! providers and imports other modules; `nestling::create::<AppModule>()` walks the graph
//! from the root.

use std::any::TypeId;

use crate::controller::ControllerDef;
use crate::di::{Export, Import, Provider};

/// Implemented by `#[module]`; the root module is given to [`create`](crate::create).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a module",
    label = "not a module",
    note = "add `#[module(...)]` to `struct {Self}`"
)]
pub trait Module: 'static {
    /// The static description emitted by `#[module]`.
    fn definition() -> &'static ModuleDef;
}

/// What `#[module]` emits.
pub struct ModuleDef {
    /// The type's name, for messages.
    pub name: &'static str,
    /// The type's `TypeId`.
    pub type_id: fn() -> TypeId,
    /// `imports = [...]`: modules, or expressions giving a `DynamicModule`.
    pub imports: &'static [fn() -> Import],
    /// `controllers = [...]`.
    pub controllers: &'static [fn() -> &'static ControllerDef],
    /// `providers = [...]`.
    pub providers: &'static [fn() -> Provider],
    /// `exports = [...]`.
    pub exports: &'static [fn() -> Export],
    /// `#[module(global)]`.
    pub global: bool,
}

impl std::fmt::Debug for ModuleDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The `inventory` entry for a module.
pub struct ModuleRegistration(pub &'static ModuleDef);
inventory::collect!(ModuleRegistration);
