use std::any::TypeId;

use super::provider::Provider;
use super::token::Token;
use crate::module::{Module, ModuleDef};

/// A module configured at run time, as Nest's dynamic modules: a static
/// `#[module]` plus providers, exports and imports added by a function such
/// as `for_root(options)`.
///
/// ```
/// use nestling::prelude::*;
/// use nestling::di::{DynamicModule, Provider};
///
/// #[derive(Clone)]
/// pub struct ConfigOptions { pub folder: &'static str }
///
/// #[injectable]
/// pub struct ConfigService { options: Inject<ConfigOptions> }
///
/// #[module]
/// pub struct ConfigModule;
///
/// impl ConfigModule {
///     pub fn for_root(options: ConfigOptions) -> DynamicModule {
///         DynamicModule::new::<ConfigModule>()
///             .provider(Provider::value(options))
///             .provider(Provider::class::<ConfigService>())
///             .export::<ConfigService>()
///             .global(true)
///     }
/// }
///
/// #[module(imports = [ConfigModule::for_root(ConfigOptions { folder: "./config" })])]
/// pub struct AppModule;
/// ```
pub struct DynamicModule {
    pub(crate) module: &'static ModuleDef,
    pub(crate) providers: Vec<Provider>,
    pub(crate) exports: Vec<Export>,
    pub(crate) imports: Vec<Import>,
    pub(crate) global: bool,
}

impl DynamicModule {
    /// Starts from the static module `M`.
    pub fn new<M: Module>() -> Self {
        let module = M::definition();
        DynamicModule {
            module,
            providers: Vec::new(),
            exports: Vec::new(),
            imports: Vec::new(),
            global: module.global,
        }
    }

    /// Adds a provider.
    pub fn provider(mut self, provider: Provider) -> Self {
        self.providers.push(provider);
        self
    }

    /// Exports the provider of type `T`.
    pub fn export<T: ?Sized + 'static>(mut self) -> Self {
        self.exports.push(Export::Token(Token::of::<T>()));
        self
    }

    /// Exports the provider registered under `token`.
    pub fn export_token(mut self, token: Token) -> Self {
        self.exports.push(Export::Token(token));
        self
    }

    /// Imports another module: a `#[module]` (`.import(DatabaseModule)`) or
    /// a dynamic one (`.import(ConfigModule::for_root(..))`).
    pub fn import(mut self, import: impl Into<Import>) -> Self {
        self.imports.push(import.into());
        self
    }

    /// Makes the module's exports visible everywhere (Nest's `global: true`).
    pub fn global(mut self, global: bool) -> Self {
        self.global = global;
        self
    }
}

impl std::fmt::Debug for DynamicModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamicModule")
            .field("module", &self.module.name)
            .field("providers", &self.providers)
            .finish()
    }
}

/// One entry of `imports = [..]`: a `#[module]` type or a [`DynamicModule`].
#[derive(Debug)]
pub enum Import {
    /// A static module.
    Static(&'static ModuleDef),
    /// A module configured at run time.
    Dynamic(DynamicModule),
}

impl From<DynamicModule> for Import {
    fn from(module: DynamicModule) -> Self {
        Import::Dynamic(module)
    }
}

/// A `#[module]` value imports that module: `.import(DatabaseModule)`.
impl<M: Module> From<M> for Import {
    fn from(_: M) -> Self {
        Import::Static(M::definition())
    }
}

impl From<&'static ModuleDef> for Import {
    fn from(module: &'static ModuleDef) -> Self {
        Import::Static(module)
    }
}

/// One entry of `exports = [..]`: a provider's token, or an imported module
/// whose exports pass through.
#[derive(Debug, Clone, Copy)]
pub enum Export {
    /// A provider.
    Token(Token),
    /// A re-exported module, by type.
    Module(TypeId, &'static str),
}

/// Picks `Export::Module` for `#[module]` types and `Export::Token` for any
/// other type (autoref specialisation, like the lifecycle probes).
#[doc(hidden)]
pub mod export_probe {
    use std::marker::PhantomData;

    use super::Export;
    use crate::di::Token;
    use crate::module::Module;

    pub struct ExportProbe<T: ?Sized>(PhantomData<T>);

    impl<T: ?Sized> ExportProbe<T> {
        #[allow(clippy::new_without_default)]
        pub fn new() -> Self {
            ExportProbe(PhantomData)
        }
    }

    pub trait ExportModule {
        fn export(&self) -> Export;
    }
    impl<T: Module> ExportModule for &ExportProbe<T> {
        fn export(&self) -> Export {
            let def = T::definition();
            Export::Module((def.type_id)(), def.name)
        }
    }

    pub trait ExportToken {
        fn export(&self) -> Export;
    }
    impl<T: ?Sized + 'static> ExportToken for ExportProbe<T> {
        fn export(&self) -> Export {
            Export::Token(Token::of::<T>())
        }
    }
}
