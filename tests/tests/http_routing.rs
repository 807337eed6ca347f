//! Routing over a real socket: every method attribute, HEAD and OPTIONS as
//! Express answers them, parameters and wildcards, trailing slashes, the
//! global prefix, and Nest's 404 for unknown routes and wrong methods.

mod common;

use common::{Conn, build, cannot, get, send, start, start_with};
use nestling::prelude::*;

#[injectable]
struct MethodsController;

#[controller("m")]
impl MethodsController {
    #[get]
    async fn get(&self) -> &'static str {
        "get"
    }

    #[post]
    async fn post(&self) -> &'static str {
        "post"
    }

    #[put]
    async fn put(&self) -> &'static str {
        "put"
    }

    #[patch]
    async fn patch(&self) -> &'static str {
        "patch"
    }

    #[delete]
    async fn delete(&self) -> &'static str {
        "delete"
    }

    #[options]
    async fn options(&self) -> &'static str {
        "options"
    }

    #[head("explicit-head")]
    #[header("X-Handler", "head")]
    async fn head(&self) -> &'static str {
        "never sent"
    }

    #[get("explicit-head")]
    async fn get_for_head(&self) -> &'static str {
        "get of explicit-head"
    }

    #[all("any")]
    async fn any(&self, req: Req) -> String {
        format!("all {}", req.method())
    }

    #[get("only-get")]
    async fn only_get(&self) -> &'static str {
        "only get"
    }

    #[get("cats/:id")]
    async fn param(&self, id: Param<u32>) -> String {
        format!("cat {}", *id)
    }

    #[get("cats/new")]
    async fn new_cat(&self) -> &'static str {
        "new cat form"
    }

    #[post("cats/:id")]
    async fn update_cat(&self, id: Param<u32>) -> String {
        format!("updated {}", *id)
    }

    #[get("names/:name")]
    async fn name(&self, name: Param<String>) -> String {
        format!("name {}", *name)
    }

    #[get("owners/:owner/cats/:cat_id")]
    async fn params(&self, path: Params<OwnerCat>) -> String {
        format!("owner {} cat {}", path.owner, path.cat_id)
    }

    #[get("owners/:owner/dogs/:dog_id")]
    async fn one_of_two(&self, dog_id: Param<u16>) -> String {
        format!("dog {}", *dog_id)
    }

    #[get("files/*")]
    async fn files(&self, path: Param<String>) -> String {
        format!("file [{}]", *path)
    }

    #[get("assets/*rest")]
    async fn assets(&self, rest: Param<String>) -> String {
        format!("asset [{}]", *rest)
    }
}

#[derive(serde::Deserialize)]
struct OwnerCat {
    owner: String,
    cat_id: u32,
}

#[injectable]
struct RootController;

#[controller]
impl RootController {
    #[get]
    async fn root(&self) -> &'static str {
        "root"
    }
}

#[module(controllers = [MethodsController, RootController])]
struct RoutingModule;

#[tokio::test]
async fn every_method_attribute_routes_to_its_handler() {
    let server = start::<RoutingModule>().await;
    let cases = [
        ("GET", 200, "get"),
        ("POST", 201, "post"),
        ("PUT", 200, "put"),
        ("PATCH", 200, "patch"),
        ("DELETE", 200, "delete"),
        ("OPTIONS", 200, "options"),
    ];
    for (method, status, body) in cases {
        let response = send(&server, method, "/m", &[], b"").await;
        assert_eq!(response.status_body(), (status, body), "{method} /m");
    }
}

#[tokio::test]
async fn all_answers_every_method() {
    let server = start::<RoutingModule>().await;
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
        let response = send(&server, method, "/m/any", &[], b"").await;
        // `#[all]` is not `#[post]`: POST keeps 200 there, as in Nest
        // (only `@Post()` defaults to 201).
        assert_eq!(
            response.status_body(),
            (200, format!("all {method}").as_str()),
            "{method}"
        );
    }
    let mut conn = Conn::open(server.local_addr()).await;
    conn.write(b"HEAD /m/any HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    let head = conn.head_response().await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("8"));
    // A method nestling has no attribute for still reaches `#[all]`.
    let response = send(&server, "PROPFIND", "/m/any", &[], b"").await;
    assert_eq!(response.status_body(), (200, "all PROPFIND"));
}

#[tokio::test]
async fn head_falls_back_to_get_without_a_body() {
    let server = start::<RoutingModule>().await;
    let mut conn = Conn::open(server.local_addr()).await;
    conn.write(b"HEAD /m/only-get HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    let head = conn.head_response().await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("8"));
    // If any body byte had been sent, the next response would not parse.
    let next = conn
        .request(b"GET /m/only-get HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    assert_eq!(next.status_body(), (200, "only get"));
}

#[tokio::test]
async fn an_explicit_head_handler_wins_over_get() {
    let server = start::<RoutingModule>().await;
    let mut conn = Conn::open(server.local_addr()).await;
    conn.write(b"HEAD /m/explicit-head HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    let head = conn.head_response().await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("x-handler"), Some("head"));
    let get = conn
        .request(b"GET /m/explicit-head HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    assert_eq!(get.status_body(), (200, "get of explicit-head"));
    assert_eq!(get.header("x-handler"), None);
}

#[tokio::test]
async fn options_without_a_handler_lists_the_allowed_methods() {
    let server = start::<RoutingModule>().await;
    let response = send(&server, "OPTIONS", "/m/only-get", &[], b"").await;
    assert_eq!(response.status_body(), (200, "GET,HEAD"));
    assert_eq!(response.header("allow"), Some("GET,HEAD"));

    let response = send(&server, "OPTIONS", "/m/explicit-head", &[], b"").await;
    assert_eq!(response.status_body(), (200, "GET,HEAD"));

    let response = send(&server, "OPTIONS", "/nowhere", &[], b"").await;
    assert_eq!(
        response.status_body(),
        (404, cannot("OPTIONS", "/nowhere").as_str())
    );
}

#[tokio::test]
async fn unknown_routes_answer_nests_404() {
    let server = start::<RoutingModule>().await;
    let response = get(&server, "/x").await;
    assert_eq!(
        response.status_body(),
        (
            404,
            r#"{"message":"Cannot GET /x","error":"Not Found","statusCode":404}"#
        )
    );
    assert_eq!(
        response.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    // Nest (through Express) names the original URL, query included.
    let response = get(&server, "/x?y=1").await;
    assert_eq!(
        response.status_body(),
        (404, cannot("GET", "/x?y=1").as_str())
    );
}

#[tokio::test]
async fn a_known_path_with_the_wrong_method_is_404_as_in_nest() {
    let server = start::<RoutingModule>().await;
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let response = send(&server, method, "/m/only-get", &[], b"").await;
        assert_eq!(
            response.status_body(),
            (404, cannot(method, "/m/only-get").as_str()),
            "{method}"
        );
    }
}

#[tokio::test]
async fn the_root_route_and_trailing_slashes() {
    let server = start::<RoutingModule>().await;
    assert_eq!(get(&server, "/").await.status_body(), (200, "root"));
    // Express's routing is not strict: `/m/only-get/` is `/m/only-get`.
    assert_eq!(
        get(&server, "/m/only-get/").await.status_body(),
        (200, "only get")
    );
    assert_eq!(
        get(&server, "/m/cats/7/").await.status_body(),
        (200, "cat 7")
    );
    // Only one trailing slash is forgiven.
    assert_eq!(
        get(&server, "/m/only-get//").await.status_body(),
        (404, cannot("GET", "/m/only-get//").as_str())
    );
}

#[tokio::test]
async fn a_single_param_is_read_by_name_and_parsed() {
    let server = start::<RoutingModule>().await;
    assert_eq!(
        get(&server, "/m/cats/42").await.status_body(),
        (200, "cat 42")
    );
    assert_eq!(
        get(&server, "/m/cats/abc").await.status_body(),
        (
            400,
            r#"{"message":"Validation failed (path parameter \"id\": invalid digit found in string)","error":"Bad Request","statusCode":400}"#
        )
    );
    assert_eq!(
        get(&server, "/m/owners/ann/dogs/70000").await.status_body(),
        (
            400,
            r#"{"message":"Validation failed (path parameter \"dog_id\": number too large to fit in target type)","error":"Bad Request","statusCode":400}"#
        )
    );
    assert_eq!(
        get(&server, "/m/owners/ann/dogs/3").await.status_body(),
        (200, "dog 3")
    );
}

#[tokio::test]
async fn a_static_route_wins_over_a_parameter_at_the_same_place() {
    let server = start::<RoutingModule>().await;
    assert_eq!(
        get(&server, "/m/cats/new").await.status_body(),
        (200, "new cat form")
    );
    assert_eq!(
        get(&server, "/m/cats/new/").await.status_body(),
        (200, "new cat form")
    );
    assert_eq!(
        get(&server, "/m/cats/7").await.status_body(),
        (200, "cat 7")
    );
    // Paths are case-sensitive, as Express's are by default: `NEW` is an id.
    assert_eq!(get(&server, "/m/cats/NEW").await.status, 400);
    // The static route is GET only; POST on the same path finds the
    // parameter route of its own method.
    let response = send(&server, "POST", "/m/cats/new", &[], b"").await;
    assert_eq!(response.status, 400);
    let response = send(&server, "POST", "/m/cats/9", &[], b"").await;
    assert_eq!(response.status_body(), (201, "updated 9"));
}

#[tokio::test]
async fn params_are_percent_decoded() {
    let server = start::<RoutingModule>().await;
    assert_eq!(
        get(&server, "/m/names/Tom%20%26%20Jerry")
            .await
            .status_body(),
        (200, "name Tom & Jerry")
    );
    assert_eq!(
        get(&server, "/m/names/caf%C3%A9").await.status_body(),
        (200, "name café")
    );
}

#[tokio::test]
async fn bad_percent_encoding_in_a_param_is_400_as_in_express() {
    let server = start::<RoutingModule>().await;
    let expected = |raw: &str| {
        format!(
            r#"{{"message":"Failed to decode param '{raw}'","error":"Bad Request","statusCode":400}}"#
        )
    };
    for raw in ["%E0%A4%A", "abc%2", "%zz", "%FF"] {
        let response = get(&server, &format!("/m/names/{raw}")).await;
        assert_eq!(
            response.status_body(),
            (400, expected(raw).as_str()),
            "{raw}"
        );
    }
    // The struct form decodes too.
    let response = get(&server, "/m/owners/%G1/cats/1").await;
    assert_eq!(response.status_body(), (400, expected("%G1").as_str()));
}

#[tokio::test]
async fn params_struct_reads_every_param() {
    let server = start::<RoutingModule>().await;
    assert_eq!(
        get(&server, "/m/owners/ann/cats/3").await.status_body(),
        (200, "owner ann cat 3")
    );
    assert_eq!(
        get(&server, "/m/owners/ann/cats/three").await.status_body(),
        (
            400,
            r#"{"message":"Validation failed (path parameters: \"three\" is not a valid u32: invalid digit found in string)","error":"Bad Request","statusCode":400}"#
        )
    );
}

#[tokio::test]
async fn wildcards_match_the_rest_of_the_path() {
    let server = start::<RoutingModule>().await;
    assert_eq!(
        get(&server, "/m/files/a/b/c.txt").await.status_body(),
        (200, "file [a/b/c.txt]")
    );
    assert_eq!(
        get(&server, "/m/files/one").await.status_body(),
        (200, "file [one]")
    );
    // An empty wildcard still matches, with an empty value.
    assert_eq!(
        get(&server, "/m/files/").await.status_body(),
        (200, "file []")
    );
    assert_eq!(
        get(&server, "/m/assets/css/site.css").await.status_body(),
        (200, "asset [css/site.css]")
    );
    assert_eq!(
        get(&server, "/m/assets/").await.status_body(),
        (200, "asset []")
    );
}

#[tokio::test]
async fn the_global_prefix_moves_every_route() {
    let server = start_with::<RoutingModule>(|app| {
        app.set_global_prefix("api/v1");
    })
    .await;
    assert_eq!(get(&server, "/api/v1").await.status_body(), (200, "root"));
    assert_eq!(get(&server, "/api/v1/").await.status_body(), (200, "root"));
    assert_eq!(
        get(&server, "/api/v1/m/cats/5").await.status_body(),
        (200, "cat 5")
    );
    assert_eq!(
        get(&server, "/api/v1/m/files/x/y").await.status_body(),
        (200, "file [x/y]")
    );
    assert_eq!(
        get(&server, "/m/cats/5").await.status_body(),
        (404, cannot("GET", "/m/cats/5").as_str())
    );
    assert_eq!(
        get(&server, "/").await.status_body(),
        (404, cannot("GET", "/").as_str())
    );
}

#[tokio::test]
async fn keep_alive_serves_several_requests_on_one_connection() {
    let server = start::<RoutingModule>().await;
    let mut conn = Conn::open(server.local_addr()).await;
    for path in ["/m", "/m/cats/1", "/nowhere", "/m/cats/2"] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        let response = conn.request(request.as_bytes()).await;
        assert!(matches!(response.status, 200 | 404), "{path}");
    }
    let last = conn.request(&build("GET", "/m", &[], b"")).await;
    assert_eq!(last.status_body(), (200, "get"));
}
