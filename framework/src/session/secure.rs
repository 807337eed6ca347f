//! Whether a request is secure, as express-session's `issecure` decides
//! (spec §6): it withholds `Secure` cookies from insecure requests (C5) and
//! resolves `Secure::Auto`/`SameSite::Auto` for new sessions (G2, G3).

use http::HeaderMap;

/// Whether the request is secure:
///
/// * T1: it came over TLS;
/// * T2: otherwise, with `proxy: Some(false)`, it is not;
/// * T3: with `proxy: None`, it is if the app trusts its proxy and the first
///   `X-Forwarded-Proto` value, trimmed, is exactly `https` (Express's
///   `req.secure`, case-sensitive);
/// * T4: with `proxy: Some(true)`, it is if that value, trimmed and
///   lower-cased, is `https`, whatever the app's setting.
///
/// ```
/// use http::HeaderMap;
/// use nestling::session::is_secure;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-forwarded-proto", "HTTPS, http".parse().unwrap());
/// assert!(is_secure(false, Some(true), false, &headers));
/// assert!(!is_secure(false, None, true, &headers)); // Express compares case-sensitively
/// ```
pub fn is_secure(tls: bool, proxy: Option<bool>, trust_proxy: bool, headers: &HeaderMap) -> bool {
    if tls {
        return true;
    }
    match proxy {
        Some(false) => false,
        None => trust_proxy && forwarded_proto(headers) == b"https",
        Some(true) => forwarded_proto(headers).eq_ignore_ascii_case(b"https"),
    }
}

/// The first comma-separated value of `X-Forwarded-Proto`, trimmed of
/// JavaScript's whitespace. Node joins repeated lines with `, `, so the first
/// line decides.
fn forwarded_proto(headers: &HeaderMap) -> &[u8] {
    let Some(value) = headers.get("x-forwarded-proto") else {
        return b"";
    };
    let bytes = value.as_bytes();
    let first = bytes.split(|&b| b == b',').next().unwrap_or_default();
    trim_js(first)
}

/// `String.prototype.trim` over Latin-1 bytes (spaces, tabs, vertical tab,
/// form feed and the no-break space 0xA0).
fn trim_js(bytes: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | 0x0B | 0x0C | 0xA0);
    let start = bytes.iter().position(|b| !blank(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(protos: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for proto in protos {
            map.append("x-forwarded-proto", HeaderValue::from_str(proto).unwrap());
        }
        map
    }

    #[test]
    fn tls_is_always_secure() {
        for proxy in [None, Some(false), Some(true)] {
            assert!(is_secure(true, proxy, false, &HeaderMap::new()));
        }
    }

    #[test]
    fn proxy_false_ignores_the_header() {
        assert!(!is_secure(false, Some(false), true, &headers(&["https"])));
    }

    #[test]
    fn proxy_unset_follows_trust_proxy_case_sensitively() {
        assert!(is_secure(false, None, true, &headers(&["https"])));
        assert!(is_secure(false, None, true, &headers(&[" https , http"])));
        assert!(!is_secure(false, None, true, &headers(&["HTTPS"])));
        assert!(!is_secure(false, None, false, &headers(&["https"])));
        assert!(!is_secure(false, None, true, &headers(&[""])));
        assert!(!is_secure(false, None, true, &HeaderMap::new()));
    }

    #[test]
    fn proxy_true_lower_cases() {
        assert!(is_secure(false, Some(true), false, &headers(&["HTTPS"])));
        assert!(is_secure(
            false,
            Some(true),
            false,
            &headers(&["\thttps\t,http"])
        ));
        assert!(!is_secure(
            false,
            Some(true),
            false,
            &headers(&["http, https"])
        ));
        // the first line decides
        assert!(!is_secure(
            false,
            Some(true),
            false,
            &headers(&["http", "https"])
        ));
        assert!(!is_secure(false, Some(true), false, &HeaderMap::new()));
    }
}
