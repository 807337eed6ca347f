//! Which providers a module sees and which controllers are mounted, as in
//! Nest: a module sees its own providers, the exports of the modules it
//! imports (re-exported modules passing theirs through) and the exports of
//! global modules; a module is instantiated once however often it is
//! imported; dynamic modules (`for_root`, `for_root_async`) add providers at
//! run time; controllers are mounted only when their module is reachable
//! from the root.

mod common;

use std::sync::Arc;

use common::{cannot, get, start};

mod shop {
    use nestling::prelude::*;

    #[injectable]
    pub struct Database;

    #[module(providers = [Database], exports = [Database])]
    pub struct DatabaseModule;

    #[injectable]
    pub struct CatsRepository;

    #[injectable]
    pub struct CatsService {
        pub repo: Inject<CatsRepository>,
        pub db: Inject<Database>,
    }

    #[injectable]
    pub struct CatsController {
        cats: Inject<CatsService>,
        // Not exported, but the controller is in the same module.
        repo: Inject<CatsRepository>,
    }

    #[controller("cats")]
    impl CatsController {
        #[get]
        async fn find_all(&self) -> String {
            let same = std::ptr::eq(&*self.cats.repo, &*self.repo);
            format!("one repository: {same}")
        }
    }

    #[module(
        imports = [DatabaseModule],
        controllers = [CatsController],
        providers = [CatsService, CatsRepository],
        exports = [CatsService],
    )]
    pub struct CatsModule;

    #[injectable]
    pub struct AppService {
        pub cats: Inject<CatsService>,
        pub db: Inject<Database>,
    }

    #[module(imports = [CatsModule, DatabaseModule], providers = [AppService])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_module_sees_its_own_providers_and_the_exports_of_its_imports() {
    let app = nestling::create::<shop::AppModule>().await.unwrap();
    let app_service = app.get::<shop::AppService>().expect("own provider");
    let cats = app
        .get::<shop::CatsService>()
        .expect("exported by CatsModule");
    assert!(Arc::ptr_eq(&app_service.cats.arc(), &cats));
    // CatsModule does not export its repository: the root does not see it.
    assert!(app.get::<shop::CatsRepository>().is_none());

    let server = app.start("127.0.0.1:0").await.unwrap();
    assert_eq!(
        get(&server, "/cats").await.status_body(),
        (200, "one repository: true")
    );
}

#[tokio::test]
async fn a_module_imported_twice_is_instantiated_once() {
    let app = nestling::create::<shop::AppModule>().await.unwrap();
    let app_service = app.get::<shop::AppService>().unwrap();
    // Both the root and CatsModule import DatabaseModule: one Database.
    assert!(Arc::ptr_eq(
        &app_service.db.arc(),
        &app_service.cats.db.arc()
    ));
    assert!(Arc::ptr_eq(
        &app_service.db.arc(),
        &app.get::<shop::Database>().unwrap()
    ));
}

mod re_export {
    use nestling::prelude::*;

    #[injectable]
    pub struct Database;

    #[injectable]
    pub struct Migrations;

    #[module(providers = [Database, Migrations], exports = [Database, Migrations])]
    pub struct DatabaseModule;

    #[injectable]
    pub struct Cache;

    #[module(providers = [Cache], exports = [Cache])]
    pub struct CacheModule;

    #[injectable]
    pub struct Clock;

    #[module(providers = [Clock], exports = [Clock])]
    pub struct ClockModule;

    /// Passes DatabaseModule through whole, and only `Cache` of CacheModule;
    /// ClockModule's exports stay inside.
    #[module(
        imports = [DatabaseModule, CacheModule, ClockModule],
        exports = [DatabaseModule, Cache],
    )]
    pub struct CoreModule;

    #[injectable]
    pub struct AppService {
        pub db: Inject<Database>,
        pub migrations: Inject<Migrations>,
        pub cache: Inject<Cache>,
        pub clock: Option<Inject<Clock>>,
    }

    #[module(imports = [CoreModule], providers = [AppService])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_re_exported_module_passes_its_exports_through() {
    let app = nestling::create::<re_export::AppModule>().await.unwrap();
    let service = app.get::<re_export::AppService>().unwrap();
    assert!(Arc::ptr_eq(
        &service.db.arc(),
        &app.get::<re_export::Database>().unwrap()
    ));
    assert!(Arc::ptr_eq(
        &service.migrations.arc(),
        &app.get::<re_export::Migrations>().unwrap()
    ));
    assert!(Arc::ptr_eq(
        &service.cache.arc(),
        &app.get::<re_export::Cache>().unwrap()
    ));
    assert!(service.clock.is_none(), "CoreModule does not export Clock");
    assert!(app.get::<re_export::Clock>().is_none());
}

mod global {
    use nestling::prelude::*;

    #[injectable]
    pub struct Logger;

    #[injectable]
    pub struct LogSink;

    /// Registered once, by the root; its exports are visible everywhere.
    #[module(global, providers = [Logger, LogSink], exports = [Logger])]
    pub struct LoggerModule;

    #[injectable]
    pub struct CatsService {
        pub logger: Inject<Logger>,
        // Global modules export only what they list.
        pub sink: Option<Inject<LogSink>>,
    }

    #[module(providers = [CatsService], exports = [CatsService])]
    pub struct CatsModule;

    #[module(imports = [LoggerModule, CatsModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_global_modules_exports_are_visible_without_importing_it() {
    let app = nestling::create::<global::AppModule>().await.unwrap();
    let cats = app.get::<global::CatsService>().unwrap();
    assert!(Arc::ptr_eq(
        &cats.logger.arc(),
        &app.get::<global::Logger>().unwrap()
    ));
    assert!(cats.sink.is_none());
}

mod dynamic {
    use nestling::di::{DynamicModule, Factory, FactoryArgs, Provider};
    use nestling::prelude::*;

    /// What `ConfigModule::for_root` is given.
    pub struct ConfigOptions {
        pub env: &'static str,
    }

    #[injectable]
    pub struct ConfigService {
        options: Inject<ConfigOptions>,
    }

    impl ConfigService {
        pub fn get(&self, key: &str) -> String {
            format!("{key}@{}", self.options.env)
        }
    }

    #[module(providers = [ConfigService], exports = [ConfigService])]
    pub struct ConfigModule;

    impl ConfigModule {
        /// Each call is its own module, with its own options.
        pub fn for_root(options: ConfigOptions) -> DynamicModule {
            DynamicModule::new::<ConfigModule>().provider(Provider::value(options))
        }
    }

    /// What the database connects with, made by the user's factory.
    pub struct DatabaseOptions {
        pub url: String,
    }

    #[injectable]
    pub struct Database {
        pub options: Inject<DatabaseOptions>,
    }

    #[module(providers = [Database], exports = [Database])]
    pub struct DatabaseModule;

    impl DatabaseModule {
        /// Nest's `forRootAsync({ imports, useFactory, inject })`: the options
        /// come from an async factory whose arguments are injected from
        /// `imports`; start-up waits for it.
        pub fn for_root_async<Args: FactoryArgs>(
            imports: impl Into<nestling::di::Import>,
            use_factory: impl Factory<Args, Output = DatabaseOptions>,
        ) -> DynamicModule {
            DynamicModule::new::<DatabaseModule>()
                .import(imports)
                .provider(Provider::factory(use_factory))
        }
    }

    #[injectable]
    pub struct CatsService {
        pub config: Inject<ConfigService>,
    }

    #[module(
        imports = [ConfigModule::for_root(ConfigOptions { env: "cats" })],
        providers = [CatsService],
        exports = [CatsService],
    )]
    pub struct CatsModule;

    #[injectable]
    pub struct DogsService {
        pub config: Inject<ConfigService>,
    }

    #[module(
        imports = [ConfigModule::for_root(ConfigOptions { env: "dogs" })],
        providers = [DogsService],
        exports = [DogsService],
    )]
    pub struct DogsModule;

    pub struct Secrets {
        pub password: &'static str,
    }

    #[module(providers = [Provider::value(Secrets { password: "hunter2" })], exports = [Secrets])]
    pub struct SecretsModule;

    #[module(imports = [
        CatsModule,
        DogsModule,
        DatabaseModule::for_root_async(
            ConfigModule::for_root(ConfigOptions { env: "prod" }),
            |config: Inject<ConfigService>| async move {
                tokio::task::yield_now().await;
                DatabaseOptions { url: format!("postgres://{}", config.get("db")) }
            },
        ),
    ])]
    pub struct AppModule;

    /// The same, importing a static module.
    #[module(imports = [
        DatabaseModule::for_root_async(SecretsModule, |secrets: Inject<Secrets>| async move {
            DatabaseOptions { url: format!("postgres://admin:{}@db", secrets.password) }
        }),
    ])]
    pub struct StaticImportModule;
}

#[tokio::test]
async fn dynamic_modules_each_get_their_own_options() {
    let app = nestling::create::<dynamic::AppModule>().await.unwrap();
    let cats = app.get::<dynamic::CatsService>().unwrap();
    let dogs = app.get::<dynamic::DogsService>().unwrap();
    assert_eq!(cats.config.get("name"), "name@cats");
    assert_eq!(dogs.config.get("name"), "name@dogs");
    assert!(!Arc::ptr_eq(&cats.config.arc(), &dogs.config.arc()));
}

#[tokio::test]
async fn a_for_root_async_factory_is_injected_from_its_imports_and_awaited() {
    let app = nestling::create::<dynamic::AppModule>().await.unwrap();
    let db = app.get::<dynamic::Database>().unwrap();
    assert_eq!(db.options.url, "postgres://db@prod");
    // The options are the module's own: only Database is exported.
    assert!(app.get::<dynamic::DatabaseOptions>().is_none());

    let app = nestling::create::<dynamic::StaticImportModule>()
        .await
        .unwrap();
    let db = app.get::<dynamic::Database>().unwrap();
    assert_eq!(db.options.url, "postgres://admin:hunter2@db");
}

mod reachable {
    use nestling::prelude::*;

    #[injectable]
    pub struct NestedController;

    #[controller("nested")]
    impl NestedController {
        #[get]
        async fn hello(&self) -> &'static str {
            "nested"
        }
    }

    #[module(controllers = [NestedController])]
    pub struct NestedModule;

    #[module(imports = [NestedModule])]
    pub struct FeatureModule;

    #[injectable]
    pub struct OrphanController {
        // Nothing provides it, and it does not matter: the module is not
        // part of the app.
        _missing: Inject<Unprovided>,
    }

    #[injectable]
    pub struct Unprovided;

    #[controller("orphan")]
    impl OrphanController {
        #[get]
        async fn hello(&self) -> &'static str {
            "orphan"
        }
    }

    /// Registered like every module, but no module of the app imports it.
    #[module(controllers = [OrphanController])]
    pub struct OrphanModule;

    #[module(imports = [FeatureModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn controllers_are_mounted_only_when_their_module_is_reachable_from_the_root() {
    let server = start::<reachable::AppModule>().await;
    assert_eq!(get(&server, "/nested").await.status_body(), (200, "nested"));
    assert_eq!(
        get(&server, "/orphan").await.status_body(),
        (404, cannot("GET", "/orphan").as_str())
    );
}

mod mutual_imports {
    use nestling::prelude::*;

    #[injectable]
    pub struct CatsService {
        pub owners: Inject<OwnersService>,
    }

    #[module(imports = [OwnersModule], providers = [CatsService], exports = [CatsService])]
    pub struct CatsModule;

    #[injectable]
    pub struct OwnersService;

    #[injectable]
    pub struct OwnersController {
        cats: Inject<CatsService>,
    }

    #[controller("owners")]
    impl OwnersController {
        #[get]
        async fn count(&self) -> &'static str {
            let _ = &self.cats.owners;
            "owners"
        }
    }

    /// Imports CatsModule, which imports it back: allowed, as long as the
    /// providers themselves do not form a cycle.
    #[module(
        imports = [CatsModule],
        controllers = [OwnersController],
        providers = [OwnersService],
        exports = [OwnersService],
    )]
    pub struct OwnersModule;

    #[module(imports = [CatsModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn modules_may_import_each_other() {
    let server = start::<mutual_imports::AppModule>().await;
    assert_eq!(get(&server, "/owners").await.status_body(), (200, "owners"));
}

mod named_exports {
    use nestling::di::Token;
    use nestling::prelude::*;

    pub struct Database {
        pub url: &'static str,
    }

    #[module(
        providers = [
            Provider::value(Database { url: "postgres://primary" }),
            Provider::value(Database { url: "postgres://replica" }).named("replica"),
        ],
        exports = [Database, Token::named::<Database>("replica")],
    )]
    pub struct DatabaseModule;

    #[injectable]
    pub struct ReportsService {
        pub primary: Inject<Database>,
        #[inject(name = "replica")]
        pub replica: Inject<Database>,
    }

    #[module(imports = [DatabaseModule], providers = [ReportsService])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_named_provider_is_exported_by_its_token() {
    let app = nestling::create::<named_exports::AppModule>()
        .await
        .unwrap();
    let reports = app.get::<named_exports::ReportsService>().unwrap();
    assert_eq!(reports.primary.url, "postgres://primary");
    assert_eq!(reports.replica.url, "postgres://replica");
}
