//! A dynamic module: `ConfigModule::for_root(options)` provides a
//! `ConfigService` built from the options, globally.

use nestling::prelude::*;

/// What `for_root` is given.
#[derive(Debug, Clone)]
pub struct ConfigOptions {
    pub greeting: &'static str,
}

/// Reads the configuration.
#[injectable]
pub struct ConfigService {
    options: Inject<ConfigOptions>,
}

impl ConfigService {
    pub fn greeting(&self) -> &str {
        self.options.greeting
    }
}

#[module]
pub struct ConfigModule;

impl ConfigModule {
    /// Provides `ConfigService` everywhere (a global module).
    pub fn for_root(options: ConfigOptions) -> DynamicModule {
        DynamicModule::new::<ConfigModule>()
            .provider(Provider::value(options))
            .provider(Provider::class::<ConfigService>())
            .export::<ConfigService>()
            .global(true)
    }
}
