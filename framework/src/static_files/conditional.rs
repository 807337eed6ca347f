//! Validators (`ETag`, `Last-Modified`) and conditional requests: 304 Not
//! Modified for a cache that is fresh, 412 Precondition Failed for a failed
//! `If-Match` / `If-Unmodified-Since` (RFC 9110 §13.2.2 order).

use std::fs::Metadata;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use http::header::{
    CACHE_CONTROL, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE,
};

/// What a file is validated by.
#[derive(Debug, Clone)]
pub(crate) struct Validators {
    /// `W/"<size hex>-<mtime ms hex>"`, as `send`'s `etag` makes for files.
    pub(crate) etag: String,
    /// The modification time, to the second (HTTP dates have no more).
    pub(crate) modified: Option<SystemTime>,
}

impl Validators {
    pub(crate) fn of(meta: &Metadata) -> Validators {
        let modified = meta.modified().ok();
        let millis = modified
            .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis());
        Validators {
            etag: format!("W/\"{:x}-{:x}\"", meta.len(), millis),
            modified: modified.map(whole_seconds),
        }
    }

    /// The `Last-Modified` value.
    pub(crate) fn last_modified(&self) -> Option<String> {
        self.modified.map(httpdate::fmt_http_date)
    }
}

fn whole_seconds(time: SystemTime) -> SystemTime {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => UNIX_EPOCH + Duration::from_secs(since.as_secs()),
        Err(_) => time,
    }
}

/// What the conditional headers of a request decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Condition {
    /// Send the file.
    Proceed,
    /// 304: the client's copy is current.
    NotModified,
    /// 412: a precondition of the client does not hold.
    PreconditionFailed,
}

/// Evaluates `If-Match`, `If-Unmodified-Since`, `If-None-Match` and
/// `If-Modified-Since`, using only the validators that are sent (`etag` /
/// `last_modified` options).
pub(crate) fn evaluate(
    headers: &HeaderMap,
    validators: &Validators,
    use_etag: bool,
    use_modified: bool,
) -> Condition {
    let etag = use_etag.then_some(validators.etag.as_str());
    let modified = validators.modified.filter(|_| use_modified);
    if let Some(if_match) = header(headers, IF_MATCH) {
        if if_match.trim() != "*" && !etag.is_some_and(|etag| list_matches(if_match, etag)) {
            return Condition::PreconditionFailed;
        }
    } else if let Some(since) = header(headers, IF_UNMODIFIED_SINCE).and_then(date)
        && modified.is_some_and(|modified| modified > since)
    {
        return Condition::PreconditionFailed;
    }
    // A client that asks not to use its cache gets the file (as `fresh` does).
    if header(headers, CACHE_CONTROL).is_some_and(|v| v.contains("no-cache")) {
        return Condition::Proceed;
    }
    if let Some(if_none_match) = header(headers, IF_NONE_MATCH) {
        if etag.is_some_and(|etag| list_matches(if_none_match, etag)) {
            return Condition::NotModified;
        }
    } else if let Some(since) = header(headers, IF_MODIFIED_SINCE).and_then(date)
        && modified.is_some_and(|modified| modified <= since)
    {
        return Condition::NotModified;
    }
    Condition::Proceed
}

/// Whether a `Range` may be honoured: no `If-Range`, or one that still
/// names this version of the file (its ETag, or a date not before its
/// modification).
pub(crate) fn range_applies(headers: &HeaderMap, validators: &Validators) -> bool {
    let Some(if_range) = header(headers, IF_RANGE) else {
        return true;
    };
    if if_range.contains('"') {
        return opaque(if_range) == opaque(&validators.etag);
    }
    match (date(if_range), validators.modified) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

fn header(headers: &HeaderMap, name: http::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn date(value: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(value.trim()).ok()
}

/// Weak comparison of an entity-tag list (`*` matches any).
fn list_matches(list: &str, etag: &str) -> bool {
    let etag = opaque(etag);
    list.split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || opaque(candidate) == etag)
}

/// An entity-tag without its weakness marker.
fn opaque(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn validators() -> Validators {
        Validators {
            etag: "W/\"a-18f\"".to_string(),
            modified: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
        }
    }

    fn with(name: http::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn eval(headers: &HeaderMap) -> Condition {
        evaluate(headers, &validators(), true, true)
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        assert_eq!(
            eval(&with(IF_NONE_MATCH, "\"a-18f\"")),
            Condition::NotModified
        );
        assert_eq!(
            eval(&with(IF_NONE_MATCH, "\"x\", W/\"a-18f\"")),
            Condition::NotModified
        );
        assert_eq!(eval(&with(IF_NONE_MATCH, "*")), Condition::NotModified);
        assert_eq!(eval(&with(IF_NONE_MATCH, "\"other\"")), Condition::Proceed);
    }

    #[test]
    fn if_modified_since_is_ignored_beside_if_none_match() {
        let mut headers = with(IF_NONE_MATCH, "\"other\"");
        headers.insert(
            IF_MODIFIED_SINCE,
            HeaderValue::from_static("Tue, 14 Nov 2023 22:13:20 GMT"),
        );
        assert_eq!(eval(&headers), Condition::Proceed);
    }

    #[test]
    fn if_modified_since_at_or_after_the_modification_is_fresh() {
        let at = "Tue, 14 Nov 2023 22:13:20 GMT"; // 1_700_000_000
        let before = "Tue, 14 Nov 2023 22:13:19 GMT";
        assert_eq!(eval(&with(IF_MODIFIED_SINCE, at)), Condition::NotModified);
        assert_eq!(eval(&with(IF_MODIFIED_SINCE, before)), Condition::Proceed);
        assert_eq!(
            eval(&with(IF_MODIFIED_SINCE, "garbage")),
            Condition::Proceed
        );
    }

    #[test]
    fn no_cache_bypasses_freshness() {
        let mut headers = with(IF_NONE_MATCH, "\"a-18f\"");
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        assert_eq!(eval(&headers), Condition::Proceed);
    }

    #[test]
    fn failed_preconditions_are_412() {
        assert_eq!(
            eval(&with(IF_MATCH, "\"other\"")),
            Condition::PreconditionFailed
        );
        assert_eq!(eval(&with(IF_MATCH, "\"a-18f\"")), Condition::Proceed);
        assert_eq!(
            eval(&with(IF_UNMODIFIED_SINCE, "Tue, 14 Nov 2023 22:13:19 GMT")),
            Condition::PreconditionFailed
        );
    }

    #[test]
    fn disabled_validators_never_match() {
        let headers = with(IF_NONE_MATCH, "\"a-18f\"");
        assert_eq!(
            evaluate(&headers, &validators(), false, true),
            Condition::Proceed
        );
    }

    #[test]
    fn if_range_needs_the_current_version() {
        assert!(range_applies(&HeaderMap::new(), &validators()));
        assert!(range_applies(&with(IF_RANGE, "W/\"a-18f\""), &validators()));
        assert!(!range_applies(&with(IF_RANGE, "\"old\""), &validators()));
        assert!(range_applies(
            &with(IF_RANGE, "Tue, 14 Nov 2023 22:13:20 GMT"),
            &validators()
        ));
        assert!(!range_applies(
            &with(IF_RANGE, "Tue, 14 Nov 2023 22:13:19 GMT"),
            &validators()
        ));
    }
}
