//! Lifecycle hooks: `on_module_init` of every singleton and controller in
//! dependency order, then `on_application_bootstrap`; on shutdown, once the
//! requests in flight finished, `on_module_destroy`, then
//! `before_application_shutdown(signal)`, then
//! `on_application_shutdown(signal)`, each in reverse order. `app.init()` and
//! `app.close()` run them without a server. Scoped instances get no hooks.

mod common;

use std::time::Duration;

use common::{Conn, PATIENCE, get};

mod app {
    use std::sync::Mutex;

    use nestling::prelude::*;
    use tokio::sync::Notify;

    /// Every hook call, in order; one per app (a value built at creation).
    #[derive(Default)]
    pub struct Log(Mutex<Vec<String>>);

    impl Log {
        pub fn push(&self, line: String) {
            self.0.lock().unwrap().push(line);
        }

        pub fn take(&self) -> Vec<String> {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
    }

    #[module(global, providers = [Provider::value(Log::default())], exports = [Log])]
    pub struct LogModule;

    /// Implements the five hooks on `$ty`, each logging `Type.hook`.
    macro_rules! log_hooks {
        ($ty:ident) => {
            impl OnModuleInit for $ty {
                async fn on_module_init(&self) {
                    // Hooks are awaited one after the other.
                    tokio::task::yield_now().await;
                    self.log
                        .push(concat!(stringify!($ty), ".on_module_init").into());
                }
            }
            impl OnApplicationBootstrap for $ty {
                async fn on_application_bootstrap(&self) {
                    tokio::task::yield_now().await;
                    self.log
                        .push(concat!(stringify!($ty), ".on_application_bootstrap").into());
                }
            }
            impl OnModuleDestroy for $ty {
                async fn on_module_destroy(&self) {
                    tokio::task::yield_now().await;
                    self.log
                        .push(concat!(stringify!($ty), ".on_module_destroy").into());
                }
            }
            impl BeforeApplicationShutdown for $ty {
                async fn before_application_shutdown(&self, signal: Option<&str>) {
                    tokio::task::yield_now().await;
                    self.log.push(format!(
                        "{}.before_application_shutdown({signal:?})",
                        stringify!($ty)
                    ));
                }
            }
            impl OnApplicationShutdown for $ty {
                async fn on_application_shutdown(&self, signal: Option<&str>) {
                    tokio::task::yield_now().await;
                    self.log.push(format!(
                        "{}.on_application_shutdown({signal:?})",
                        stringify!($ty)
                    ));
                }
            }
        };
    }

    #[injectable]
    pub struct Database {
        log: Inject<Log>,
    }
    log_hooks!(Database);

    #[module(providers = [Database], exports = [Database])]
    pub struct DatabaseModule;

    #[injectable]
    pub struct CatsRepository {
        log: Inject<Log>,
        _db: Inject<Database>,
    }
    log_hooks!(CatsRepository);

    #[injectable]
    pub struct CatsService {
        log: Inject<Log>,
        _repo: Inject<CatsRepository>,
    }
    log_hooks!(CatsService);

    /// Request-scoped and transient instances get no hooks, as in Nest.
    #[injectable(scope = request)]
    pub struct RequestTimer {
        log: Inject<Log>,
    }
    log_hooks!(RequestTimer);

    #[injectable(scope = transient)]
    pub struct Ticket {
        log: Inject<Log>,
    }
    log_hooks!(Ticket);

    pub static ENTERED: Notify = Notify::const_new();
    pub static RELEASE: Notify = Notify::const_new();

    #[injectable]
    pub struct CatsController {
        log: Inject<Log>,
        _cats: Inject<CatsService>,
        _ticket: Inject<Ticket>,
    }
    log_hooks!(CatsController);

    #[controller("cats")]
    impl CatsController {
        #[get]
        async fn find_all(&self, _timer: Inject<RequestTimer>) -> &'static str {
            "cats"
        }

        #[get("slow")]
        async fn slow(&self) -> &'static str {
            ENTERED.notify_one();
            RELEASE.notified().await;
            self.log.push("CatsController.slow finished".into());
            "slow"
        }
    }

    // Listed dependents first: the order comes from the dependencies.
    #[module(
        imports = [DatabaseModule],
        controllers = [CatsController],
        providers = [RequestTimer, Ticket, CatsService, CatsRepository],
    )]
    pub struct CatsModule;

    #[module(imports = [LogModule, CatsModule])]
    pub struct AppModule;
}

const INIT: [&str; 8] = [
    "Database.on_module_init",
    "CatsRepository.on_module_init",
    "CatsService.on_module_init",
    "CatsController.on_module_init",
    "Database.on_application_bootstrap",
    "CatsRepository.on_application_bootstrap",
    "CatsService.on_application_bootstrap",
    "CatsController.on_application_bootstrap",
];

fn shutdown(signal: &str) -> Vec<String> {
    let mut lines: Vec<String> = [
        "CatsController",
        "CatsService",
        "CatsRepository",
        "Database",
    ]
    .iter()
    .map(|name| format!("{name}.on_module_destroy"))
    .collect();
    for hook in ["before_application_shutdown", "on_application_shutdown"] {
        for name in [
            "CatsController",
            "CatsService",
            "CatsRepository",
            "Database",
        ] {
            lines.push(format!("{name}.{hook}({signal})"));
        }
    }
    lines
}

#[tokio::test]
async fn start_runs_the_init_hooks_in_dependency_order_and_shutdown_the_others_in_reverse() {
    let app = nestling::create::<app::AppModule>().await.unwrap();
    let log = app.get::<app::Log>().unwrap();
    assert_eq!(log.take(), [] as [String; 0], "create runs no hook");

    let server = app.start("127.0.0.1:0").await.unwrap();
    assert_eq!(log.take(), INIT);

    // A request builds a request-scoped provider; it gets no hooks.
    assert_eq!(get(&server, "/cats").await.status_body(), (200, "cats"));
    assert_eq!(log.take(), [] as [String; 0]);

    server.shutdown_with_signal(Some("SIGTERM")).await;
    assert_eq!(log.take(), shutdown("Some(\"SIGTERM\")"));
}

#[tokio::test]
async fn init_runs_the_hooks_once_and_close_runs_the_shutdown_hooks_without_a_server() {
    let mut app = nestling::create::<app::AppModule>().await.unwrap();
    let log = app.get::<app::Log>().unwrap();
    app.init().await;
    app.init().await;
    assert_eq!(log.take(), INIT);
    app.close().await;
    assert_eq!(log.take(), shutdown("None"));
}

#[tokio::test]
async fn shutdown_hooks_run_after_the_request_in_flight_finished() {
    let mut app = nestling::create::<app::AppModule>().await.unwrap();
    let log = app.get::<app::Log>().unwrap();
    // `start` does not run the init hooks again.
    app.init().await;
    let server = app.start("127.0.0.1:0").await.unwrap();
    assert_eq!(log.take(), INIT);

    let addr = server.local_addr();
    let in_flight = tokio::spawn(async move {
        let mut conn = Conn::open(addr).await;
        conn.request(b"GET /cats/slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
    });
    tokio::time::timeout(PATIENCE, app::ENTERED.notified())
        .await
        .expect("the slow handler never started");

    let shutdown_task = tokio::spawn(server.shutdown());
    // Shutdown has begun once the listener is closed.
    tokio::time::timeout(PATIENCE, async {
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the server still accepts connections");
    assert!(!shutdown_task.is_finished());

    app::RELEASE.notify_one();
    assert_eq!(in_flight.await.unwrap().status_body(), (200, "slow"));
    tokio::time::timeout(PATIENCE, shutdown_task)
        .await
        .expect("shutdown did not return")
        .unwrap();

    let mut expected = vec!["CatsController.slow finished".to_owned()];
    expected.extend(shutdown("None"));
    assert_eq!(log.take(), expected);
}
