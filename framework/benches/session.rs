//! The per-request cost of sessions on the memory store, without HTTP: the
//! steps `GET /visits` goes through with a returning cookie, and with a new
//! session. Run with `cargo bench -p nestling --bench session`.

use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use http::Request;
use http::request::Parts;
use nestling::session::{CookieOptions, SessionConfig, SessionOptions, StoreAction};

/// Runs a memory-store future, which never waits.
fn run_now<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("the memory store never waits"),
    }
}

fn config() -> SessionConfig {
    SessionOptions::new()
        .secret("keyboard cat")
        .resave(false)
        .save_uninitialized(false)
        .cookie(CookieOptions::default().max_age(Duration::from_secs(3600)))
        .into_config()
        .unwrap()
}

fn request(cookie: Option<&str>) -> Parts {
    let mut request = Request::get("/visits");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(()).unwrap().into_parts().0
}

/// One `GET /visits`: load or create, count, commit, store, cookie.
fn visits(config: &SessionConfig, parts: &Parts) -> Option<http::HeaderValue> {
    let mut state = match config.cookie_session_id(&parts.headers) {
        Some(id) => match run_now(config.store().get(id.id())).unwrap() {
            Some(stored) => config.load(id, &stored).unwrap(),
            None => config.generate(parts, Some(id), false).unwrap(),
        },
        None => config.generate(parts, None, false).unwrap(),
    };
    let data = state.data_mut().unwrap();
    let visits = data.get::<u32>("visits").unwrap().unwrap_or(0) + 1;
    data.insert("visits", visits).unwrap();
    let commit = config.commit(&mut state, false);
    let document = state.document().unwrap();
    match commit.store {
        StoreAction::Save => run_now(config.store().set(state.id(), &document)).unwrap(),
        StoreAction::Touch => run_now(config.store().touch(state.id(), &document)).unwrap(),
        StoreAction::Destroy => run_now(config.store().destroy(state.id())).unwrap(),
        StoreAction::None => {}
    }
    commit
        .set_cookie
        .then(|| config.set_cookie(&state).unwrap())
}

fn sessions(c: &mut Criterion) {
    let config = config();
    let first = visits(&config, &request(None)).unwrap();
    let pair = first
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let returning = request(Some(&pair));

    c.bench_function("session/read_cookie_id", |b| {
        b.iter(|| config.cookie_session_id(black_box(&returning.headers)))
    });
    let id = config.cookie_session_id(&returning.headers).unwrap();
    c.bench_function("session/store_get_and_load", |b| {
        b.iter(|| {
            let stored = run_now(config.store().get(black_box(id.id())))
                .unwrap()
                .unwrap();
            config.load(id.clone(), &stored).unwrap()
        })
    });
    c.bench_function("session/visits_returning_cookie", |b| {
        b.iter(|| visits(&config, black_box(&returning)))
    });
    let fresh = request(None);
    c.bench_function("session/visits_new_session", |b| {
        b.iter(|| visits(&config, black_box(&fresh)))
    });
}

criterion_group!(benches, sessions);
criterion_main!(benches);
