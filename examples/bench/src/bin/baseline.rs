//! The yardstick: a minimal hand-written hyper 1 server answering the bench
//! endpoints with the same bytes as the nestling app (status, `content-type`,
//! `content-length`, `date`, body). `PORT` (default 3000) on 127.0.0.1, one
//! tokio thread, HTTP/1.1 with keep-alive. `/page` renders the same
//! template with Tera, parsed once at start-up, from the same context;
//! `/visits` is a hand-written signed-cookie counter (`baseline_visits.rs`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::OnceLock;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use bench::page::{PAGE_TEMPLATE, VIEWS_DIR, page};
use bench::visits::SECRET;

#[path = "../baseline_visits.rs"]
mod visits;
use bench::{HELLO, Message};

// The same values nestling's `Text` and `Json` send.
const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json; charset=utf-8");
const TEXT_HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

/// `page.html`, parsed before the server accepts connections.
static TERA: OnceLock<tera::Tera> = OnceLock::new();

type Reply = Response<Full<Bytes>>;

fn with_type(body: Bytes, content_type: HeaderValue) -> Reply {
    let mut response = Response::new(Full::new(body));
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}

fn plaintext() -> Reply {
    with_type(Bytes::from_static(HELLO.as_bytes()), TEXT_PLAIN)
}

fn json() -> Reply {
    match serde_json::to_vec(&Message { message: HELLO }) {
        Ok(body) => with_type(body.into(), APPLICATION_JSON),
        Err(_) => status(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

fn page_html() -> Reply {
    let Some(tera) = TERA.get() else {
        return status(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let rendered = tera::Context::from_serialize(&page())
        .and_then(|context| tera.render(PAGE_TEMPLATE, &context));
    match rendered {
        Ok(html) => with_type(html.into(), TEXT_HTML),
        Err(_) => status(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

fn visits(request: &Request<Incoming>) -> Reply {
    let cookie = request
        .headers()
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok());
    let (count, set_cookie) = visits::visit(SECRET, cookie);
    let mut response = with_type(count.to_string().into(), TEXT_PLAIN);
    if let Some(value) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response
            .headers_mut()
            .insert(http::header::SET_COOKIE, value);
    }
    response
}

fn status(code: StatusCode) -> Reply {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}

/// The whole route table: one `match`, as a hand-written server would do.
async fn route(request: Request<Incoming>) -> Result<Reply, Infallible> {
    Ok(match (request.method(), request.uri().path()) {
        (&Method::GET, "/plaintext") => plaintext(),
        (&Method::GET, "/json") => json(),
        (&Method::GET, "/page") => page_html(),
        (&Method::GET, "/visits") => visits(&request),
        _ => status(StatusCode::NOT_FOUND),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let mut tera = tera::Tera::new();
    tera.add_template_file(format!("{VIEWS_DIR}/{PAGE_TEMPLATE}"), Some(PAGE_TEMPLATE))?;
    let _ = TERA.set(tera);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(SocketAddr::from(([127, 0, 0, 1], port))))
}

async fn serve(addr: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind(addr).await?;
    let mut builder = http1::Builder::new();
    builder.keep_alive(true);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(pair) => pair,
            Err(error) => {
                eprintln!("accept failed: {error}");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let connection = builder.serve_connection(TokioIo::new(stream), service_fn(route));
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}
