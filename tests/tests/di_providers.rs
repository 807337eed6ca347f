//! The kinds of provider: classes, values, async factories (awaited at
//! start-up, fallible ones stopping it with their message), aliases sharing
//! their target's instance, named tokens for several providers of one type,
//! optional dependencies, and trait objects.

mod common;

use std::sync::Arc;

mod class {
    use nestling::prelude::*;

    #[injectable]
    pub struct CatsRepository;

    /// Fields are injected by type; `#[inject(default)]` fills the others.
    #[injectable]
    pub struct CatsService {
        pub repo: Inject<CatsRepository>,
        #[inject(default)]
        pub created: std::sync::atomic::AtomicU32,
    }

    /// Tuple structs work too.
    #[injectable]
    pub struct Pair(pub Inject<CatsRepository>, pub Inject<CatsService>);

    #[module(providers = [CatsService, CatsRepository, Pair])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_class_provider_is_built_from_its_injected_fields() {
    let app = nestling::create::<class::AppModule>().await.unwrap();
    let service = app.get::<class::CatsService>().unwrap();
    let repo = app.get::<class::CatsRepository>().unwrap();
    assert!(Arc::ptr_eq(&service.repo.arc(), &repo));
    assert_eq!(service.created.load(std::sync::atomic::Ordering::SeqCst), 0);
    let pair = app.get::<class::Pair>().unwrap();
    assert!(Arc::ptr_eq(&pair.0.arc(), &repo));
    assert!(Arc::ptr_eq(&pair.1.arc(), &service));
}

mod value_and_factory {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use nestling::prelude::*;

    pub static POOL_FACTORY_RUNS: AtomicUsize = AtomicUsize::new(0);

    #[derive(Debug, PartialEq)]
    pub struct Config {
        pub url: &'static str,
    }

    pub struct Pool {
        pub url: String,
        pub ready: bool,
    }

    /// Built after the pool: factories are awaited in dependency order.
    #[injectable]
    pub struct CatsRepository {
        pub pool: Inject<Pool>,
    }

    pub struct Missing;

    #[module(providers = [
        CatsRepository,
        Provider::value(Config { url: "postgres://localhost/cats" }),
        Provider::factory(|config: Inject<Config>, missing: Option<Inject<Missing>>| async move {
            POOL_FACTORY_RUNS.fetch_add(1, Ordering::SeqCst);
            // Something asynchronous, as connecting would be.
            let (tx, rx) = tokio::sync::oneshot::channel();
            tokio::spawn(async move { tx.send(true) });
            Pool {
                url: config.url.to_owned(),
                ready: rx.await.unwrap_or(false) && missing.is_none(),
            }
        }),
    ])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_value_is_provided_as_given() {
    let app = nestling::create::<value_and_factory::AppModule>()
        .await
        .unwrap();
    assert_eq!(
        *app.get::<value_and_factory::Config>().unwrap(),
        value_and_factory::Config {
            url: "postgres://localhost/cats"
        }
    );
}

#[tokio::test]
async fn an_async_factory_is_injected_and_awaited_once_at_start_up() {
    use std::sync::atomic::Ordering;

    let runs_before = value_and_factory::POOL_FACTORY_RUNS.load(Ordering::SeqCst);
    let app = nestling::create::<value_and_factory::AppModule>()
        .await
        .unwrap();
    assert_eq!(
        value_and_factory::POOL_FACTORY_RUNS.load(Ordering::SeqCst),
        runs_before + 1
    );
    let pool = app.get::<value_and_factory::Pool>().unwrap();
    assert_eq!(pool.url, "postgres://localhost/cats");
    assert!(pool.ready);
    let repo = app.get::<value_and_factory::CatsRepository>().unwrap();
    assert!(Arc::ptr_eq(&repo.pool.arc(), &pool));
}

mod failing_factory {
    use nestling::prelude::*;

    pub struct Pool;

    #[injectable]
    pub struct CatsRepository {
        _pool: Inject<Pool>,
    }

    #[module(
        providers = [
            CatsRepository,
            Provider::try_factory(|| async {
                Err::<Pool, _>("connection refused (postgres://localhost:5432)")
            }),
        ],
    )]
    pub struct DatabaseModule;

    #[module(imports = [DatabaseModule])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_failing_factory_stops_start_up_with_its_message() {
    let error = nestling::create::<failing_factory::AppModule>()
        .await
        .expect_err("the factory fails");
    assert!(error.is_startup());
    assert_eq!(
        error.problems(),
        [
            "Pool (in DatabaseModule) could not be created: connection refused (postgres://localhost:5432)"
        ]
    );
}

mod alias_and_named {
    use nestling::prelude::*;

    #[derive(Debug)]
    pub struct Database {
        pub url: &'static str,
    }

    #[injectable]
    pub struct ReportsService {
        pub primary: Inject<Database>,
        #[inject(name = "primary")]
        pub primary_alias: Inject<Database>,
        #[inject(name = "replica")]
        pub replica: Inject<Database>,
        #[inject(name = "analytics")]
        pub analytics: Option<Inject<Database>>,
        pub cache: Inject<Cache>,
        #[inject(name = "sessions")]
        pub sessions_cache: Inject<Cache>,
        #[inject(name = "main")]
        pub main_alias: Inject<Database>,
    }

    #[injectable]
    pub struct Cache;

    #[module(providers = [
        ReportsService,
        Cache,
        Provider::class::<Cache>().named("sessions"),
        // An alias of an alias.
        Provider::existing_token::<Database>(nestling::di::Token::named::<Database>("primary"))
            .named("main"),
        Provider::value(Database { url: "postgres://primary" }),
        Provider::value(Database { url: "postgres://replica" }).named("replica"),
        Provider::existing::<Database>().named("primary"),
    ])]
    pub struct AppModule;
}

#[tokio::test]
async fn named_providers_of_one_type_and_an_alias_sharing_its_targets_instance() {
    let app = nestling::create::<alias_and_named::AppModule>()
        .await
        .unwrap();
    let reports = app.get::<alias_and_named::ReportsService>().unwrap();
    assert_eq!(reports.primary.url, "postgres://primary");
    assert_eq!(reports.replica.url, "postgres://replica");
    assert!(Arc::ptr_eq(
        &reports.primary.arc(),
        &reports.primary_alias.arc()
    ));
    assert!(Arc::ptr_eq(
        &reports.primary.arc(),
        &reports.main_alias.arc()
    ));
    assert!(reports.analytics.is_none());
    // A class under a name is another instance of the class.
    assert!(!Arc::ptr_eq(
        &reports.cache.arc(),
        &reports.sessions_cache.arc()
    ));
    // `app.get` looks up the unnamed token.
    assert_eq!(
        app.get::<alias_and_named::Database>().unwrap().url,
        "postgres://primary"
    );
}

mod optional {
    use nestling::prelude::*;

    #[injectable]
    pub struct Metrics;

    #[injectable]
    pub struct Tracer;

    #[injectable]
    pub struct CatsService {
        pub metrics: Option<Inject<Metrics>>,
        pub tracer: Option<Inject<Tracer>>,
    }

    #[module(providers = [CatsService, Metrics])]
    pub struct AppModule;
}

#[tokio::test]
async fn an_optional_dependency_is_none_when_nothing_provides_it() {
    let app = nestling::create::<optional::AppModule>().await.unwrap();
    let service = app.get::<optional::CatsService>().unwrap();
    assert!(Arc::ptr_eq(
        &service.metrics.as_ref().expect("Metrics is provided").arc(),
        &app.get::<optional::Metrics>().unwrap()
    ));
    assert!(service.tracer.is_none());
}

mod trait_object {
    use std::sync::Arc;

    use nestling::prelude::*;

    pub trait CatsRepository: Send + Sync {
        fn names(&self) -> Vec<&'static str>;
    }

    pub struct InMemoryCats;

    impl CatsRepository for InMemoryCats {
        fn names(&self) -> Vec<&'static str> {
            vec!["Tom", "Kitty"]
        }
    }

    #[injectable]
    pub struct CatsController {
        repo: Inject<dyn CatsRepository>,
    }

    #[controller("cats")]
    impl CatsController {
        #[get]
        async fn find_all(&self) -> String {
            self.repo.names().join(",")
        }

        #[get("count")]
        async fn count(&self, repo: Inject<dyn CatsRepository>) -> String {
            repo.names().len().to_string()
        }
    }

    #[module(
        controllers = [CatsController],
        providers = [Provider::value_arc::<dyn CatsRepository>(Arc::new(InMemoryCats))],
    )]
    pub struct AppModule;
}

#[tokio::test]
async fn a_trait_object_provider() {
    let app = nestling::create::<trait_object::AppModule>().await.unwrap();
    let repo = app.get::<dyn trait_object::CatsRepository>().unwrap();
    assert_eq!(repo.names(), ["Tom", "Kitty"]);

    let server = app.start("127.0.0.1:0").await.unwrap();
    assert_eq!(
        common::get(&server, "/cats").await.status_body(),
        (200, "Tom,Kitty")
    );
    assert_eq!(
        common::get(&server, "/cats/count").await.status_body(),
        (200, "2")
    );
}
