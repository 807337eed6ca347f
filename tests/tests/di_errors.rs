//! Module graphs that must refuse to start, and the exact sentence each
//! problem gets: who needs what, at which position, in which module, and the
//! fix. Every problem of an app is reported at once, before anything is built.
//! Each case lives in its own `mod` so that type names read like a real app.

mod common;

use std::sync::Arc;

use nestling::module::Module;

/// The problems `create` reports for the root module `M`.
async fn problems<M: Module>() -> Vec<String> {
    let error = nestling::create::<M>()
        .await
        .expect_err("the app should refuse to start");
    assert!(error.is_startup(), "{error}");
    error.problems().to_vec()
}

mod exported_but_not_imported {
    use nestling::prelude::*;

    #[injectable]
    pub struct Database;

    #[module(providers = [Database], exports = [Database])]
    pub struct DatabaseModule;

    #[injectable]
    pub struct CatsService {
        _db: Inject<Database>,
    }

    #[module(providers = [CatsService])]
    pub struct CatsModule;

    #[module(imports = [CatsModule, DatabaseModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_provider_exported_by_a_module_that_is_not_imported() {
    assert_eq!(
        problems::<exported_but_not_imported::AppModule>().await,
        [
            "can't resolve dependencies of CatsService (?): Database at index [0] (field `_db`) is not available in CatsModule. Fix: DatabaseModule provides and exports it: add DatabaseModule to CatsModule's imports"
        ]
    );
}

mod provided_but_not_exported {
    use nestling::prelude::*;

    #[injectable]
    pub struct Database;

    #[module(providers = [Database])]
    pub struct DatabaseModule;

    #[injectable]
    pub struct CatsService {
        _db: Inject<Database>,
    }

    #[module(imports = [DatabaseModule], providers = [CatsService])]
    pub struct CatsModule;

    #[injectable]
    pub struct DogsService {
        _db: Inject<Database>,
    }

    #[module(providers = [DogsService])]
    pub struct DogsModule;

    #[module(imports = [CatsModule, DogsModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_provider_that_is_not_exported() {
    assert_eq!(
        problems::<provided_but_not_exported::AppModule>().await,
        [
            "can't resolve dependencies of CatsService (?): Database at index [0] (field `_db`) is not available in CatsModule. Fix: Database is provided by DatabaseModule but not exported; add it to DatabaseModule's exports",
            "can't resolve dependencies of DogsService (?): Database at index [0] (field `_db`) is not available in DogsModule. Fix: Database is provided by DatabaseModule but not exported; add it to DatabaseModule's exports, and add DatabaseModule to DogsModule's imports"
        ]
    );
}

mod injectable_nowhere_provided {
    use nestling::prelude::*;

    #[injectable]
    pub struct CatsRepository;

    #[injectable]
    pub struct CatsService {
        _repo: Inject<CatsRepository>,
    }

    #[module(providers = [CatsService])]
    pub struct AppModule;
}

#[tokio::test]
async fn an_injectable_type_that_no_module_provides() {
    assert_eq!(
        problems::<injectable_nowhere_provided::AppModule>().await,
        [
            "can't resolve dependencies of CatsService (?): CatsRepository at index [0] (field `_repo`) is not available in AppModule. Fix: no module provides it: add CatsRepository to AppModule's providers"
        ]
    );
}

mod never_provided {
    use nestling::prelude::*;

    pub struct DatabaseUrl(#[allow(dead_code)] pub String);

    #[injectable]
    pub struct Database {
        _url: Inject<DatabaseUrl>,
    }

    #[module(providers = [Database])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_plain_type_that_no_module_provides() {
    assert_eq!(
        problems::<never_provided::AppModule>().await,
        [
            "can't resolve dependencies of Database (?): DatabaseUrl at index [0] (field `_url`) is not available in AppModule. Fix: no module provides it: add `Provider::value(..)` or `Provider::factory(..)` for DatabaseUrl to AppModule's providers, or make the type #[injectable] and list it"
        ]
    );
}

mod missing_named {
    use nestling::prelude::*;

    #[injectable]
    pub struct Database;

    #[injectable]
    pub struct ReportsService {
        _primary: Inject<Database>,
        #[inject(name = "replica")]
        _replica: Inject<Database>,
    }

    #[module(providers = [Database, ReportsService])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_named_provider_that_is_missing() {
    assert_eq!(
        problems::<missing_named::AppModule>().await,
        [
            "can't resolve dependencies of ReportsService (Database, ?): Database(\"replica\") at index [1] (field `_replica`) is not available in AppModule. Fix: no module provides it: add `Provider::class::<Database>().named(\"replica\")` to AppModule's providers"
        ]
    );
}

mod missing_handler_param {
    use nestling::prelude::*;

    #[injectable]
    pub struct CatsService;

    #[injectable]
    pub struct CatsController;

    #[controller("cats")]
    impl CatsController {
        #[get]
        async fn find_all(&self, _cats: Inject<CatsService>) -> &'static str {
            "cats"
        }
    }

    #[module(controllers = [CatsController])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_handler_parameter_that_no_module_provides() {
    assert_eq!(
        problems::<missing_handler_param::AppModule>().await,
        [
            "can't resolve parameter `_cats: Inject<CatsService>` of CatsController::find_all: CatsService is not available in AppModule. Fix: no module provides it: add CatsService to AppModule's providers"
        ]
    );
}

mod missing_factory_argument {
    use nestling::prelude::*;

    pub struct Config;
    pub struct Pool;

    #[module(providers = [Provider::factory(|_config: Inject<Config>| async { Pool })])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_factory_argument_that_no_module_provides() {
    assert_eq!(
        problems::<missing_factory_argument::AppModule>().await,
        [
            "can't resolve dependencies of Pool (?): Config at index [0] (argument #0) is not available in AppModule. Fix: no module provides it: add `Provider::value(..)` or `Provider::factory(..)` for Config to AppModule's providers, or make the type #[injectable] and list it"
        ]
    );
}

mod cycle_of_two {
    use nestling::prelude::*;

    #[injectable]
    pub struct CatsService {
        _owners: Inject<OwnersService>,
    }

    #[injectable]
    pub struct OwnersService {
        _cats: Inject<CatsService>,
    }

    #[module(providers = [CatsService, OwnersService])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_cycle_of_two_prints_its_path() {
    assert_eq!(
        problems::<cycle_of_two::AppModule>().await,
        [
            "dependency cycle: CatsService -> OwnersService -> CatsService; break it by injecting one side lazily, e.g. `Lazy<OwnersService>` instead of `Inject<OwnersService>` in CatsService"
        ]
    );
}

mod longer_cycles {
    use nestling::prelude::*;

    #[injectable]
    pub struct A {
        _b: Inject<B>,
    }

    #[injectable]
    pub struct B {
        _c: Inject<C>,
    }

    #[injectable]
    pub struct C {
        _a: Inject<A>,
    }

    #[injectable]
    pub struct Narcissus {
        _me: Inject<Narcissus>,
    }

    // Modules may import each other; the cycle crosses them.
    #[module(imports = [CModule], providers = [A, B], exports = [A, B])]
    pub struct AbModule;

    #[module(imports = [AbModule], providers = [C, Narcissus], exports = [C])]
    pub struct CModule;

    #[module(imports = [AbModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn longer_cycles_and_self_dependencies_print_their_paths() {
    assert_eq!(
        problems::<longer_cycles::AppModule>().await,
        [
            "dependency cycle: C -> A -> B -> C; break it by injecting one side lazily, e.g. `Lazy<A>` instead of `Inject<A>` in C",
            "dependency cycle: Narcissus -> Narcissus: Narcissus depends on itself; remove that dependency, or inject it lazily (`Lazy<Narcissus>`)"
        ]
    );
}

mod many_problems {
    use nestling::prelude::*;

    #[injectable]
    pub struct Database;

    #[module(providers = [Database])]
    pub struct DatabaseModule;

    #[injectable]
    pub struct CatsService {
        _db: Inject<Database>,
        _owners: Inject<OwnersService>,
    }

    #[injectable]
    pub struct OwnersService {
        _cats: Inject<CatsService>,
    }

    #[injectable]
    pub struct Mailer {
        _req: Req,
    }

    #[module(imports = [DatabaseModule], providers = [CatsService, OwnersService, Mailer], exports = [Logger])]
    pub struct AppModule;

    pub struct Logger;
}

#[tokio::test]
async fn every_problem_is_reported_at_once() {
    assert_eq!(
        problems::<many_problems::AppModule>().await,
        [
            "AppModule exports Logger, but neither provides it nor imports a module that exports it; add Logger to AppModule's providers",
            "can't resolve dependencies of CatsService (?, OwnersService): Database at index [0] (field `_db`) is not available in AppModule. Fix: Database is provided by DatabaseModule but not exported; add it to DatabaseModule's exports",
            "Mailer is a singleton but takes Req (field `_req`), which exists only during a request; make Mailer request-scoped with #[injectable(scope = request)], or take it as a handler parameter",
            "dependency cycle: CatsService -> OwnersService -> CatsService; break it by injecting one side lazily, e.g. `Lazy<OwnersService>` instead of `Inject<OwnersService>` in CatsService"
        ]
    );
}

mod singleton_on_request_scoped {
    use nestling::prelude::*;

    #[injectable(scope = request)]
    pub struct CurrentUser {
        _req: Req,
    }

    #[injectable]
    pub struct CatsService {
        _user: Inject<CurrentUser>,
    }

    #[injectable(scope = transient)]
    pub struct AuditLog {
        _user: Inject<CurrentUser>,
    }

    #[injectable]
    pub struct CatsController {
        _user: Inject<CurrentUser>,
    }

    #[controller("cats")]
    impl CatsController {
        #[get]
        async fn find_all(&self) -> &'static str {
            "cats"
        }
    }

    #[module(controllers = [CatsController], providers = [CurrentUser, CatsService, AuditLog])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_singleton_or_transient_that_depends_on_a_request_scoped_provider() {
    assert_eq!(
        problems::<singleton_on_request_scoped::AppModule>().await,
        [
            "CatsService is a singleton but depends on CurrentUser (field `_user`), which is request-scoped: it would outlive the request. Fix: make CatsService request-scoped too with #[injectable(scope = request)], or take CurrentUser as a handler parameter (`current_user: Inject<CurrentUser>`) and pass it to CatsService's methods",
            "AuditLog is transient but depends on CurrentUser (field `_user`), which is request-scoped: it would outlive the request. Fix: make AuditLog request-scoped too with #[injectable(scope = request)], or take CurrentUser as a handler parameter (`current_user: Inject<CurrentUser>`) and pass it to AuditLog's methods",
            "CatsController is a singleton but depends on CurrentUser (field `_user`), which is request-scoped: it would outlive the request. Fix: take CurrentUser as a handler parameter (`current_user: Inject<CurrentUser>`) instead of a field"
        ]
    );
}

mod req_in_singleton {
    use nestling::prelude::*;

    #[injectable]
    pub struct CurrentUser {
        _req: Req,
    }

    #[module(providers = [CurrentUser])]
    pub struct AppModule;
}

#[tokio::test]
async fn req_in_a_singleton() {
    assert_eq!(
        problems::<req_in_singleton::AppModule>().await,
        [
            "CurrentUser is a singleton but takes Req (field `_req`), which exists only during a request; make CurrentUser request-scoped with #[injectable(scope = request)], or take it as a handler parameter"
        ]
    );
}

mod duplicates {
    use nestling::prelude::*;

    #[injectable]
    pub struct CatsService;

    #[derive(Clone)]
    pub struct Config;

    #[injectable]
    pub struct CatsController;

    #[controller("cats")]
    impl CatsController {
        #[get]
        async fn find_all(&self) -> &'static str {
            "cats"
        }
    }

    #[module(
        controllers = [CatsController],
        providers = [CatsService, CatsService, Provider::value(Config), Provider::value(Config).named("a"), Provider::value(Config).named("a")],
    )]
    pub struct CatsModule;

    #[module(imports = [CatsModule], controllers = [CatsController])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_provider_listed_twice_and_a_controller_in_two_modules() {
    assert_eq!(
        problems::<duplicates::AppModule>().await,
        [
            "CatsModule lists a provider for CatsService twice; remove one (use `.named(\"...\")` for several providers of one type)",
            "CatsModule lists a provider for Config(\"a\") twice; remove one (use `.named(\"...\")` for several providers of one type)",
            "CatsController is listed in the controllers of both AppModule and CatsModule; a controller belongs to one module: remove it from one of them"
        ]
    );
}

mod bad_exports {
    use nestling::prelude::*;

    #[injectable]
    pub struct CatsService;

    #[module]
    pub struct DatabaseModule;

    #[module(exports = [CatsService, DatabaseModule])]
    pub struct CatsModule;

    #[module(imports = [CatsModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn exporting_what_a_module_neither_provides_nor_imports() {
    assert_eq!(
        problems::<bad_exports::AppModule>().await,
        [
            "CatsModule exports CatsService, but neither provides it nor imports a module that exports it; add CatsService to CatsModule's providers",
            "CatsModule exports the module DatabaseModule, but does not import it; add DatabaseModule to CatsModule's imports"
        ]
    );
}

mod scoped_controller_and_factories {
    use nestling::prelude::*;

    #[injectable(scope = request)]
    pub struct CatsController;

    #[controller("cats")]
    impl CatsController {
        #[get]
        async fn find_all(&self) -> &'static str {
            "cats"
        }
    }

    pub struct Connection;
    pub struct Transaction;

    #[module(
        controllers = [CatsController],
        providers = [
            Provider::factory(|| async { Connection }).scope(Scope::Transient),
            Provider::factory(|| async { Transaction }).scope(Scope::Request),
        ],
    )]
    pub struct AppModule;
}

#[tokio::test]
async fn a_request_scoped_controller_and_scoped_factories() {
    assert_eq!(
        problems::<scoped_controller_and_factories::AppModule>().await,
        [
            "Connection is a factory provider in AppModule and transient; factories run once at start-up, so they must be singletons: remove `.scope(..)` or make it a class",
            "Transaction is a factory provider in AppModule and request-scoped; factories run once at start-up, so they must be singletons: remove `.scope(..)` or make it a class",
            "CatsController is declared request-scoped, but controllers are singletons; remove `scope` from its #[injectable] and take request-scoped providers as handler parameters (`service: Inject<T>`)"
        ]
    );
}

mod lazy_and_alias_of_scoped {
    use nestling::prelude::*;

    #[injectable(scope = transient)]
    pub struct Clock;

    #[injectable(scope = request)]
    pub struct CurrentUser;

    pub struct Database;

    #[injectable]
    pub struct Scheduler {
        _clock: Lazy<Clock>,
        // The alias is request-scoped, as its target is.
        #[inject(name = "user")]
        _user: Inject<CurrentUser>,
    }

    #[module(providers = [
        Clock,
        CurrentUser,
        Scheduler,
        Provider::existing::<CurrentUser>().named("user"),
        Provider::existing_token::<Database>(nestling::di::Token::of::<CurrentUser>()),
    ])]
    pub struct AppModule;
}

#[tokio::test]
async fn lazy_needs_a_singleton_an_alias_has_its_targets_scope_and_type() {
    assert_eq!(
        problems::<lazy_and_alias_of_scoped::AppModule>().await,
        [
            "Database in AppModule is an alias of CurrentUser, a different type; an alias gives the same instance under another name, so both must be one type: `Provider::existing::<CurrentUser>().named(\"...\")`",
            "Scheduler takes Clock lazily (field `_clock`), but it is transient; `Lazy<T>` only works with singletons: inject it with `Inject<Clock>`",
            "Scheduler is a singleton but depends on CurrentUser(\"user\") (field `_user`), which is request-scoped: it would outlive the request. Fix: make Scheduler request-scoped too with #[injectable(scope = request)], or take CurrentUser(\"user\") as a handler parameter (`current_user: Inject<CurrentUser>`) and pass it to Scheduler's methods"
        ]
    );
}

mod global_not_imported {
    use nestling::prelude::*;

    #[injectable]
    pub struct Logger;

    #[module(global, providers = [Logger], exports = [Logger])]
    pub struct LoggerModule;

    #[injectable]
    pub struct CatsService {
        _logger: Inject<Logger>,
    }

    #[module(providers = [CatsService])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_global_module_that_no_module_imports() {
    assert_eq!(
        problems::<global_not_imported::AppModule>().await,
        [
            "can't resolve dependencies of CatsService (?): Logger at index [0] (field `_logger`) is not available in AppModule. Fix: LoggerModule exports it, but no module of the app imports LoggerModule: add LoggerModule to AppModule's imports"
        ]
    );
}

mod lazy_cycle {
    use nestling::prelude::*;

    #[injectable]
    pub struct CatsService {
        pub owners: Lazy<OwnersService>,
    }

    impl CatsService {
        pub fn owner_of(&self, cat: &str) -> String {
            self.owners.get().owner_of(cat)
        }
    }

    #[injectable]
    pub struct OwnersService {
        pub cats: Inject<CatsService>,
    }

    impl OwnersService {
        pub fn owner_of(&self, cat: &str) -> String {
            format!("{cat} belongs to Ann")
        }
    }

    #[injectable]
    pub struct CatsController {
        cats: Inject<CatsService>,
    }

    #[controller("cats")]
    impl CatsController {
        #[get(":name/owner")]
        async fn owner(&self, name: Param<String>) -> String {
            self.cats.owner_of(&name)
        }
    }

    #[module(controllers = [CatsController], providers = [CatsService, OwnersService])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_cycle_broken_by_lazy_starts_and_resolves_at_run_time() {
    let app = nestling::create::<lazy_cycle::AppModule>()
        .await
        .expect("a lazy side breaks the cycle");
    let cats = app.get::<lazy_cycle::CatsService>().unwrap();
    let owners = app.get::<lazy_cycle::OwnersService>().unwrap();
    assert!(Arc::ptr_eq(&cats.owners.get(), &owners));
    assert!(Arc::ptr_eq(&owners.cats.arc(), &cats));

    let server = app.start("127.0.0.1:0").await.unwrap();
    assert_eq!(
        common::get(&server, "/cats/Tom/owner").await.status_body(),
        (200, "Tom belongs to Ann")
    );
    server.shutdown().await;

    // The lazy handle does not keep the app alive.
    assert!(cats.owners.try_get().is_none());
}

mod nothing_built {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use nestling::prelude::*;

    pub static FACTORY_RUNS: AtomicUsize = AtomicUsize::new(0);

    pub struct Pool;

    #[injectable]
    pub struct CatsService {
        _pool: Inject<Pool>,
        _missing: Inject<CatsRepository>,
    }

    #[injectable]
    pub struct CatsRepository;

    #[module(providers = [
        Provider::factory(|| async {
            FACTORY_RUNS.fetch_add(1, Ordering::SeqCst);
            Pool
        }),
        CatsService,
    ])]
    pub struct AppModule;
}

#[tokio::test]
async fn nothing_is_built_when_the_graph_has_a_problem() {
    let error = nestling::create::<nothing_built::AppModule>()
        .await
        .expect_err("CatsRepository is missing");
    assert_eq!(
        error.to_string(),
        "the app cannot start: 1 problem found\n  - can't resolve dependencies of CatsService (Pool, ?): CatsRepository at index [1] (field `_missing`) is not available in AppModule. Fix: no module provides it: add CatsRepository to AppModule's providers"
    );
    assert_eq!(
        nothing_built::FACTORY_RUNS.load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

mod provided_twice {
    use nestling::prelude::*;

    #[injectable]
    pub struct Database;

    /// Keeps its own Database private...
    #[module(providers = [Database])]
    pub struct AuditModule;

    /// ...while this one shares it.
    #[module(providers = [Database], exports = [Database])]
    pub struct DatabaseModule;

    #[injectable]
    pub struct CatsService {
        _db: Inject<Database>,
    }

    #[module(imports = [AuditModule], providers = [CatsService])]
    pub struct CatsModule;

    #[module(imports = [CatsModule, DatabaseModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn the_fix_points_at_the_module_that_exports_the_provider() {
    assert_eq!(
        problems::<provided_twice::AppModule>().await,
        [
            "can't resolve dependencies of CatsService (?): Database at index [0] (field `_db`) is not available in CatsModule. Fix: DatabaseModule provides and exports it: add DatabaseModule to CatsModule's imports"
        ]
    );
}
