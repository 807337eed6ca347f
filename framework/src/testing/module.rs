use std::sync::Arc;

use super::TestClient;
use crate::app::{Application, create_from};
use crate::di::{Import, Provider};
use crate::error::Result;
use crate::module::Module;
use crate::server::Server;

/// Entry point of the testing module (Nest's `Test`).
///
/// ```
/// use nestling::prelude::*;
/// use nestling::testing::Test;
///
/// #[injectable]
/// pub struct CatsService;
/// impl CatsService {
///     pub fn count(&self) -> usize { 3 }
/// }
///
/// #[module(providers = [CatsService])]
/// pub struct CatsModule;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> nestling::Result<()> {
/// let module = Test::create_testing_module::<CatsModule>().compile().await?;
/// assert_eq!(module.get::<CatsService>().unwrap().count(), 3);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Test;

impl Test {
    /// Starts a testing module rooted at `M`.
    pub fn create_testing_module<M: Module>() -> TestingModuleBuilder {
        TestingModuleBuilder {
            root: M::definition(),
            overrides: Vec::new(),
        }
    }
}

/// Configures a testing module before [`compile`](Self::compile).
pub struct TestingModuleBuilder {
    root: &'static crate::module::ModuleDef,
    overrides: Vec<Provider>,
}

impl std::fmt::Debug for TestingModuleBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestingModuleBuilder")
            .field("root", &self.root.name)
            .field("overrides", &self.overrides)
            .finish()
    }
}

impl TestingModuleBuilder {
    /// Replaces the provider registered under `provider`'s token, in every
    /// module that lists it (Nest's `overrideProvider(X).useValue(..)`,
    /// `.useFactory(..)`, `.useClass(..)`).
    ///
    /// ```
    /// # use nestling::prelude::*;
    /// # use nestling::testing::Test;
    /// # #[derive(Clone)] pub struct Clock(pub u64);
    /// # #[module(providers = [Provider::value(Clock(0))])] pub struct TimeModule;
    /// # async fn run() -> nestling::Result<()> {
    /// let module = Test::create_testing_module::<TimeModule>()
    ///     .override_provider(Provider::value(Clock(1_700_000_000)))
    ///     .compile()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn override_provider(mut self, provider: Provider) -> Self {
        self.overrides.push(provider);
        self
    }

    /// Replaces the provider of `T` with a ready value.
    pub fn override_value<T: Send + Sync + 'static>(self, value: T) -> Self {
        self.override_provider(Provider::value(value))
    }

    /// Resolves the graph and builds every provider, reporting start-up
    /// problems exactly as `nestling::create` does.
    pub async fn compile(self) -> Result<TestingModule> {
        let app = create_from(Import::Static(self.root), self.overrides).await?;
        Ok(TestingModule { app })
    }
}

/// A compiled testing module: get providers, or turn it into an app.
#[derive(Debug)]
pub struct TestingModule {
    app: Application,
}

impl TestingModule {
    /// A singleton visible from the root module (Nest's `module.get(X)`).
    pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.app.get::<T>()
    }

    /// The app, to configure before serving (Nest's `createNestApplication`).
    pub fn create_nest_application(self) -> Application {
        self.app
    }

    /// An in-process client (runs the init hooks first).
    pub async fn client(self) -> Result<TestClient> {
        TestClient::new(self.app).await
    }

    /// Serves on `127.0.0.1:0` for tests that need a real socket.
    pub async fn start(self) -> Result<Server> {
        self.app.start("127.0.0.1:0").await
    }
}
