//! Routing and dispatch without sockets: route lookup on a table of 47 routes
//! (static, parameter, wildcard and a miss), then whole requests through
//! `AppService::dispatch` (route, injectors, handler, response).
//! Run with `cargo bench -p nestling --bench routing`.

use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::{Method, Request};
use nestling::prelude::*;
use nestling::request::RequestBody;
use nestling::{AppService, Response};

#[injectable]
struct HealthController;

#[controller]
impl HealthController {
    #[get("health")]
    async fn health(&self) -> &'static str {
        "ok"
    }
    #[get("ready")]
    async fn ready(&self) -> &'static str {
        "ready"
    }
    #[get("version")]
    async fn version(&self) -> &'static str {
        "1.0.0"
    }
    #[get("plaintext")]
    async fn plaintext(&self) -> Text<&'static str> {
        Text("Hello, World!")
    }
    #[get("json")]
    async fn json(&self) -> Json<Message> {
        Json(Message {
            message: "Hello, World!",
        })
    }
}

#[derive(serde::Serialize)]
struct Message {
    message: &'static str,
}

#[injectable]
struct UsersController;

#[controller("users")]
impl UsersController {
    #[get]
    async fn list(&self) -> &'static str {
        "users"
    }
    #[post]
    async fn create(&self) -> &'static str {
        "created"
    }
    #[get("me")]
    async fn me(&self) -> &'static str {
        "me"
    }
    #[get("search")]
    async fn search(&self) -> &'static str {
        "search"
    }
    #[get(":id")]
    async fn find_one(&self, id: Param<u32>) -> String {
        format!("user #{}", *id)
    }
    #[put(":id")]
    async fn replace(&self) -> &'static str {
        "replaced"
    }
    #[patch(":id")]
    async fn update(&self) -> &'static str {
        "updated"
    }
    #[delete(":id")]
    async fn remove(&self) -> &'static str {
        "removed"
    }
    #[get(":id/posts")]
    async fn posts(&self) -> &'static str {
        "posts"
    }
    #[get(":id/followers")]
    async fn followers(&self) -> &'static str {
        "followers"
    }
}

#[injectable]
struct PostsController;

#[controller("posts")]
impl PostsController {
    #[get]
    async fn list(&self) -> &'static str {
        "posts"
    }
    #[post]
    async fn create(&self) -> &'static str {
        "created"
    }
    #[get("feed")]
    async fn feed(&self) -> &'static str {
        "feed"
    }
    #[get("trending")]
    async fn trending(&self) -> &'static str {
        "trending"
    }
    #[get(":id")]
    async fn find_one(&self) -> &'static str {
        "post"
    }
    #[delete(":id")]
    async fn remove(&self) -> &'static str {
        "removed"
    }
    #[get(":id/comments")]
    async fn comments(&self) -> &'static str {
        "comments"
    }
    #[post(":id/comments")]
    async fn comment(&self) -> &'static str {
        "commented"
    }
    #[get(":id/comments/:comment_id")]
    async fn find_comment(&self) -> &'static str {
        "comment"
    }
}

#[injectable]
struct OrgsController;

#[controller("orgs")]
impl OrgsController {
    #[get(":org")]
    async fn org(&self) -> &'static str {
        "org"
    }
    #[get(":org/members")]
    async fn members(&self) -> &'static str {
        "members"
    }
    #[get(":org/teams/:team")]
    async fn team(&self) -> &'static str {
        "team"
    }
    #[get(":org/repos")]
    async fn repos(&self) -> &'static str {
        "repos"
    }
    #[get(":org/repos/:repo")]
    async fn repo(&self) -> &'static str {
        "repo"
    }
    #[get(":org/repos/:repo/issues")]
    async fn issues(&self) -> &'static str {
        "issues"
    }
    #[get(":org/repos/:repo/issues/:number")]
    async fn issue(&self) -> &'static str {
        "issue"
    }
    #[post(":org/repos/:repo/issues")]
    async fn open_issue(&self) -> &'static str {
        "opened"
    }
    #[get(":org/repos/:repo/pulls/:number")]
    async fn pull(&self) -> &'static str {
        "pull"
    }
}

#[injectable]
struct FilesController;

#[controller("files")]
impl FilesController {
    #[get("*path")]
    async fn download(&self) -> &'static str {
        "file"
    }
    #[put("*path")]
    async fn upload(&self) -> &'static str {
        "stored"
    }
}

#[injectable]
struct AdminController;

#[controller("admin")]
impl AdminController {
    #[get("stats")]
    async fn stats(&self) -> &'static str {
        "stats"
    }
    #[get("users")]
    async fn users(&self) -> &'static str {
        "users"
    }
    #[get("audit")]
    async fn audit(&self) -> &'static str {
        "audit"
    }
    #[post("reindex")]
    async fn reindex(&self) -> &'static str {
        "reindexing"
    }
    #[get("jobs/:id")]
    async fn job(&self) -> &'static str {
        "job"
    }
    #[delete("jobs/:id")]
    async fn cancel_job(&self) -> &'static str {
        "cancelled"
    }
}

#[injectable]
struct AssetsController;

#[controller("assets")]
impl AssetsController {
    #[get("favicon.ico")]
    async fn favicon(&self) -> &'static str {
        "icon"
    }
    #[get("css/*rest")]
    async fn css(&self) -> &'static str {
        "css"
    }
    #[get("js/*rest")]
    async fn js(&self) -> &'static str {
        "js"
    }
    #[get("img/:name.png")]
    async fn image(&self) -> &'static str {
        "png"
    }
    #[all("legacy/*rest")]
    async fn legacy(&self) -> &'static str {
        "gone"
    }
}

#[module(controllers = [
    HealthController,
    UsersController,
    PostsController,
    OrgsController,
    FilesController,
    AdminController,
    AssetsController,
])]
struct BenchModule;

fn service() -> AppService {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        nestling::create::<BenchModule>()
            .await
            .expect("the bench app starts")
            .into_service()
            .expect("the bench routes do not conflict")
    })
}

/// Polls a dispatch once: none of these handlers waits.
fn respond(service: &AppService, request: Request<RequestBody>) -> Response {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(service.dispatch(request)).poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => unreachable!("the bench handlers never wait"),
    }
}

fn get(path: &str) -> Request<RequestBody> {
    Request::get(path)
        .header("host", "localhost:3000")
        .body(RequestBody::empty())
        .expect("a valid request")
}

fn lookup(c: &mut Criterion) {
    let service = service();
    let mut group = c.benchmark_group("lookup");
    let cases = [
        ("static", "/posts/trending", true),
        ("param", "/orgs/rust-lang/repos/rust/issues/12345", true),
        ("wildcard", "/files/reports/2024/q3/summary.pdf", true),
        ("miss", "/orgs/rust-lang/projects/7", false),
    ];
    for (name, path, found) in cases {
        assert_eq!(
            nestling::__private::route_exists(&service, &Method::GET, path),
            found,
            "{path}"
        );
        group.bench_function(name, |b| {
            b.iter(|| {
                nestling::__private::route_exists(
                    black_box(&service),
                    black_box(&Method::GET),
                    black_box(path),
                )
            })
        });
    }
    group.finish();
}

fn dispatch(c: &mut Criterion) {
    let service = service();
    let mut group = c.benchmark_group("dispatch");
    let cases = [
        ("plaintext", "/plaintext", "Hello, World!"),
        ("json", "/json", r#"{"message":"Hello, World!"}"#),
        ("param", "/users/42", "user #42"),
    ];
    for (name, path, body) in cases {
        let response = respond(&service, get(path));
        assert_eq!(response.status(), 200, "{path}");
        let bytes = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a tokio runtime")
            .block_on(http_body_util::BodyExt::collect(response.into_body()))
            .expect("a full body")
            .to_bytes();
        assert_eq!(bytes, body.as_bytes(), "{path}");
        group.bench_function(name, |b| {
            b.iter_batched(
                || get(path),
                |request| respond(black_box(&service), request),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = lookup, dispatch
}
criterion_main!(benches);
