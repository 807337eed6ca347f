//! What every end-to-end test shares: start an app on `127.0.0.1:0`, and a
//! tiny HTTP/1.1 client that writes exact bytes (so tests can send malformed
//! requests) and parses the status, headers and body it gets back.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use nestling::module::Module;
use nestling::{Application, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

/// How long a test waits for the server before failing instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// Creates the app of module `M` and serves it on an ephemeral port.
pub async fn start<M: Module>() -> Server {
    start_with::<M>(|_| {}).await
}

/// Like [`start`], configuring the app first (limits, prefix, trust proxy).
pub async fn start_with<M: Module>(configure: impl FnOnce(&mut Application)) -> Server {
    let mut app = nestling::create::<M>()
        .await
        .unwrap_or_else(|e| panic!("the test app does not start: {e}"));
    configure(&mut app);
    app.start("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("the test app does not start: {e}"))
}

/// One parsed HTTP/1.1 response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("the response body is not UTF-8")
    }

    /// `(status, body)`, for one exact assertion on both.
    pub fn status_body(&self) -> (u16, &str) {
        (self.status, self.text())
    }
}

/// An open HTTP/1.1 connection: write any bytes, read responses one by one.
pub struct Conn {
    reader: OwnedReadHalf,
    /// `None` when the test writes on its own (see [`Conn::from_read_half`]).
    writer: Option<OwnedWriteHalf>,
    /// Bytes read past the end of the last response.
    buffer: Vec<u8>,
}

impl Conn {
    /// Connects to `addr`.
    pub async fn open(addr: SocketAddr) -> Conn {
        let stream = tokio::time::timeout(PATIENCE, TcpStream::connect(addr))
            .await
            .expect("connecting timed out")
            .expect("cannot connect to the test server");
        let (reader, writer) = stream.into_split();
        Conn {
            reader,
            writer: Some(writer),
            buffer: Vec::new(),
        }
    }

    /// Reads responses from a connection whose writing half the test keeps.
    pub fn from_read_half(reader: OwnedReadHalf) -> Conn {
        Conn {
            reader,
            writer: None,
            buffer: Vec::new(),
        }
    }

    /// Writes `bytes` as they are.
    pub async fn write(&mut self, bytes: &[u8]) {
        self.writer
            .as_mut()
            .expect("this connection's writing half is elsewhere")
            .write_all(bytes)
            .await
            .expect("cannot write to the test server");
    }

    /// Closes the writing half (a TCP half-close): the server reads EOF
    /// after what was written.
    pub async fn shutdown_write(&mut self) {
        self.writer
            .as_mut()
            .expect("this connection's writing half is elsewhere")
            .shutdown()
            .await
            .expect("cannot half-close the connection");
    }

    /// Writes a request and reads its response.
    pub async fn request(&mut self, bytes: &[u8]) -> RawResponse {
        self.write(bytes).await;
        self.response().await
    }

    /// Reads the next response.
    pub async fn response(&mut self) -> RawResponse {
        self.read_response(false).await
    }

    /// Reads the response to a HEAD request: headers only, whatever
    /// `Content-Length` says.
    pub async fn head_response(&mut self) -> RawResponse {
        self.read_response(true).await
    }

    /// Whether the server closed the connection (EOF or reset) within `wait`,
    /// without sending anything.
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let mut byte = [0u8; 1];
        match tokio::time::timeout(wait, self.reader.read(&mut byte)).await {
            Ok(Ok(0)) | Ok(Err(_)) => true,
            Ok(Ok(_)) => panic!("expected the connection to close, but the server sent data"),
            Err(_) => false,
        }
    }

    /// Everything the server sends until it closes the connection.
    pub async fn read_to_close(&mut self) -> Vec<u8> {
        let mut all = std::mem::take(&mut self.buffer);
        let read = tokio::time::timeout(PATIENCE, async {
            let mut chunk = [0u8; 4096];
            loop {
                match self.reader.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => all.extend_from_slice(&chunk[..n]),
                }
            }
        });
        read.await.expect("the server did not close the connection");
        all
    }

    async fn fill(&mut self) -> usize {
        let mut chunk = [0u8; 4096];
        let n = tokio::time::timeout(PATIENCE, self.reader.read(&mut chunk))
            .await
            .expect("the server did not answer in time")
            .unwrap_or(0);
        self.buffer.extend_from_slice(&chunk[..n]);
        n
    }

    /// Takes `n` bytes from the buffer, reading more as needed.
    async fn take(&mut self, n: usize) -> Vec<u8> {
        while self.buffer.len() < n {
            assert!(self.fill().await > 0, "the connection closed mid-body");
        }
        self.buffer.drain(..n).collect()
    }

    /// Takes one CRLF-terminated line, without the CRLF.
    async fn line(&mut self) -> String {
        loop {
            if let Some(at) = find(&self.buffer, b"\r\n") {
                let line: Vec<u8> = self.buffer.drain(..at + 2).collect();
                return String::from_utf8_lossy(&line[..at]).into_owned();
            }
            assert!(self.fill().await > 0, "the connection closed mid-line");
        }
    }

    async fn read_response(&mut self, head_request: bool) -> RawResponse {
        let status_line = loop {
            if find(&self.buffer, b"\r\n").is_some() {
                break self.line().await;
            }
            assert!(
                self.fill().await > 0,
                "the server closed the connection without a response"
            );
        };
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP status line: {status_line:?}"));
        let mut headers = Vec::new();
        loop {
            let line = self.line().await;
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("not a header line: {line:?}"));
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        let mut response = RawResponse {
            status,
            headers,
            body: Vec::new(),
        };
        if head_request || status < 200 || status == 204 || status == 304 {
            return response;
        }
        let chunked = response
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        if chunked {
            loop {
                let size = self.line().await;
                let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
                    .unwrap_or_else(|_| panic!("bad chunk size line {size:?}"));
                if size == 0 {
                    while !self.line().await.is_empty() {}
                    break;
                }
                let chunk = self.take(size).await;
                response.body.extend_from_slice(&chunk);
                assert_eq!(self.line().await, "", "a chunk must end with CRLF");
            }
        } else if let Some(length) = response.header("content-length") {
            let length: usize = length.parse().expect("bad Content-Length");
            response.body = self.take(length).await;
        } else {
            response.body = self.read_to_close().await;
        }
        response
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends exact bytes on a new connection and reads one response.
pub async fn raw(addr: SocketAddr, bytes: &[u8]) -> RawResponse {
    Conn::open(addr).await.request(bytes).await
}

/// Builds a request with `Host`, `Connection: close` and, when there is a
/// body, `Content-Length`.
pub fn build(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// Sends `method path` with headers and a body on a new connection.
pub async fn send(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    Conn::open(server.local_addr())
        .await
        .request(&build(method, path, headers, body))
        .await
}

/// `GET path`.
pub async fn get(server: &Server, path: &str) -> RawResponse {
    send(server, "GET", path, &[], b"").await
}

/// `POST path` with a JSON body.
pub async fn post_json(server: &Server, path: &str, json: &str) -> RawResponse {
    send(
        server,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        json.as_bytes(),
    )
    .await
}

/// Nest's 404 body for an unknown route.
pub fn cannot(method: &str, url: &str) -> String {
    format!(r#"{{"message":"Cannot {method} {url}","error":"Not Found","statusCode":404}}"#)
}
