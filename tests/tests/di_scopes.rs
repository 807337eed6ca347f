//! Scopes: a singleton is shared by every consumer; a request-scoped
//! provider is built once per request (on first use), shared within it, may
//! read the request through `Req`, and is dropped with the request; a
//! transient provider is new for every consumer. Handlers take providers as
//! `Inject<T>` parameters.

mod common;

use std::sync::Arc;

use common::{get, send, start};

mod scopes {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use nestling::prelude::*;

    pub static REQUEST_BUILT: AtomicUsize = AtomicUsize::new(0);
    pub static REQUEST_DROPPED: AtomicUsize = AtomicUsize::new(0);
    static STAMPS: AtomicUsize = AtomicUsize::new(0);

    /// Counts how many `CurrentRequest`s were built.
    pub struct Built(pub usize);

    impl Default for Built {
        fn default() -> Self {
            Built(REQUEST_BUILT.fetch_add(1, Ordering::SeqCst) + 1)
        }
    }

    /// A serial number per transient instance.
    pub struct Stamp(pub usize);

    impl Default for Stamp {
        fn default() -> Self {
            Stamp(STAMPS.fetch_add(1, Ordering::SeqCst) + 1)
        }
    }

    #[injectable]
    pub struct Clock;

    #[injectable(scope = transient)]
    pub struct Ticket {
        #[inject(default)]
        pub stamp: Stamp,
        pub clock: Inject<Clock>,
    }

    /// What the current request is about, read from `Req`.
    #[injectable(scope = request)]
    pub struct CurrentRequest {
        req: Req,
        #[inject(default)]
        pub built: Built,
        pub clock: Inject<Clock>,
    }

    impl CurrentRequest {
        pub fn user(&self) -> String {
            self.req.header("x-user").unwrap_or("anonymous").to_owned()
        }
    }

    impl Drop for CurrentRequest {
        fn drop(&mut self) {
            REQUEST_DROPPED.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A request-scoped holder of a transient, for the transient test (only
    /// the request test builds `CurrentRequest`, which counts its builds).
    #[injectable(scope = request)]
    pub struct TicketHolder {
        pub ticket: Inject<Ticket>,
    }

    /// Another request-scoped provider: it gets the request's instance.
    #[injectable(scope = request)]
    pub struct AuditLog {
        pub current: Inject<CurrentRequest>,
        // An alias of a request-scoped provider is request-scoped: the same
        // instance within the request.
        #[inject(name = "current")]
        pub aliased: Inject<CurrentRequest>,
    }

    /// Two singletons that each take a transient.
    #[injectable]
    pub struct Left {
        pub ticket: Inject<Ticket>,
    }

    #[injectable]
    pub struct Right {
        pub ticket: Inject<Ticket>,
        pub clock: Inject<Clock>,
    }

    #[injectable]
    pub struct ScopesController {
        clock: Inject<Clock>,
    }

    #[controller("scopes")]
    impl ScopesController {
        #[get("request")]
        async fn request(
            &self,
            current: Inject<CurrentRequest>,
            again: Inject<CurrentRequest>,
            audit: Inject<AuditLog>,
        ) -> String {
            format!(
                "user={} built={} same={} audit_same={} clock_same={}",
                current.user(),
                current.built.0,
                Arc::ptr_eq(&current.arc(), &again.arc()),
                Arc::ptr_eq(&current.arc(), &audit.current.arc())
                    && Arc::ptr_eq(&current.arc(), &audit.aliased.arc()),
                Arc::ptr_eq(&current.clock.arc(), &self.clock.arc()),
            )
        }

        #[get("transient")]
        async fn transient(
            &self,
            first: Inject<Ticket>,
            second: Inject<Ticket>,
            holder: Inject<TicketHolder>,
        ) -> String {
            let stamps = [&first, &second, &holder.ticket].map(|t| t.stamp.0);
            let distinct =
                stamps[0] != stamps[1] && stamps[1] != stamps[2] && stamps[0] != stamps[2];
            format!("distinct={distinct}")
        }

        #[get("singleton")]
        async fn singleton(&self, clock: Inject<Clock>) -> String {
            format!("same={}", Arc::ptr_eq(&clock.arc(), &self.clock.arc()))
        }
    }

    #[module(
        controllers = [ScopesController],
        providers = [
            Clock,
            Ticket,
            CurrentRequest,
            TicketHolder,
            AuditLog,
            Left,
            Right,
            Provider::existing::<CurrentRequest>().named("current"),
        ],
        exports = [Left, Right, Clock],
    )]
    pub struct AppModule;
}

#[tokio::test]
async fn a_singleton_is_shared_by_every_consumer() {
    let app = nestling::create::<scopes::AppModule>().await.unwrap();
    let clock = app.get::<scopes::Clock>().unwrap();
    let right = app.get::<scopes::Right>().unwrap();
    assert!(Arc::ptr_eq(&clock, &right.clock.arc()));
    assert!(Arc::ptr_eq(&right.ticket.clock.arc(), &clock));

    let server = app.start("127.0.0.1:0").await.unwrap();
    assert_eq!(
        get(&server, "/scopes/singleton").await.status_body(),
        (200, "same=true")
    );
}

#[tokio::test]
async fn a_request_scoped_provider_is_built_once_per_request_and_dropped_after_it() {
    use std::sync::atomic::Ordering;

    let server = start::<scopes::AppModule>().await;
    let built_before = scopes::REQUEST_BUILT.load(Ordering::SeqCst);

    let first = send(&server, "GET", "/scopes/request", &[("X-User", "ann")], b"").await;
    let second = get(&server, "/scopes/request").await;
    assert_eq!(
        first.status_body(),
        (
            200,
            format!(
                "user=ann built={} same=true audit_same=true clock_same=true",
                built_before + 1
            )
            .as_str()
        )
    );
    assert_eq!(
        second.status_body(),
        (
            200,
            format!(
                "user=anonymous built={} same=true audit_same=true clock_same=true",
                built_before + 2
            )
            .as_str()
        )
    );
    // Nothing outlives its request.
    assert_eq!(
        scopes::REQUEST_DROPPED.load(Ordering::SeqCst),
        scopes::REQUEST_BUILT.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn a_transient_provider_is_new_for_every_consumer() {
    let app = nestling::create::<scopes::AppModule>().await.unwrap();
    let left = app.get::<scopes::Left>().unwrap();
    let right = app.get::<scopes::Right>().unwrap();
    assert!(!Arc::ptr_eq(&left.ticket.arc(), &right.ticket.arc()));
    assert_ne!(left.ticket.stamp.0, right.ticket.stamp.0);
    // A transient is not kept by the app: `get` finds only singletons.
    assert!(app.get::<scopes::Ticket>().is_none());

    let server = app.start("127.0.0.1:0").await.unwrap();
    assert_eq!(
        get(&server, "/scopes/transient").await.status_body(),
        (200, "distinct=true")
    );
}

mod across_modules {
    use nestling::prelude::*;

    /// Request-scoped and exported: importers' handlers get it per request.
    #[injectable(scope = request)]
    pub struct Locale {
        req: Req,
    }

    impl Locale {
        pub fn language(&self) -> String {
            self.req
                .header("accept-language")
                .and_then(|v| v.split(',').next())
                .unwrap_or("en")
                .to_owned()
        }
    }

    #[module(providers = [Locale], exports = [Locale])]
    pub struct I18nModule;

    #[injectable]
    pub struct GreetingController;

    #[controller("greeting")]
    impl GreetingController {
        #[get]
        async fn greet(&self, locale: Inject<Locale>) -> String {
            match locale.language().as_str() {
                "fr" => "Bonjour".to_owned(),
                _ => "Hello".to_owned(),
            }
        }
    }

    #[module(imports = [I18nModule], controllers = [GreetingController])]
    pub struct AppModule;
}

#[tokio::test]
async fn a_handler_takes_a_request_scoped_provider_from_an_imported_module() {
    let server = start::<across_modules::AppModule>().await;
    assert_eq!(
        send(
            &server,
            "GET",
            "/greeting",
            &[("Accept-Language", "fr,en;q=0.5")],
            b""
        )
        .await
        .status_body(),
        (200, "Bonjour")
    );
    assert_eq!(
        get(&server, "/greeting").await.status_body(),
        (200, "Hello")
    );
}
