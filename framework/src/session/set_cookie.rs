//! The `Set-Cookie` header exactly as express-session writes it with
//! cookie@0.7.2 (spec §4.6): `name=s%3A<id>.<signature>` percent-encoded like
//! `encodeURIComponent`, then `Domain`, `Path`, `Expires`, `HttpOnly`,
//! `Secure`, `Partitioned`, `Priority`, `SameSite` in that order, never
//! `Max-Age`. Values the cookie library would refuse are errors (§4.7).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::SessionError;
use super::cookie::{Priority, SameSite, SessionCookie};
use super::date;
use super::signature::SignatureText;

/// What `encodeURIComponent` escapes: everything but `A-Z a-z 0-9` and
/// `- _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The `Set-Cookie` value for session `id`, signed by `signature` (spec
/// C6, W1-W6).
pub(crate) fn serialize(
    name: &str,
    id: &str,
    signature: &SignatureText,
    cookie: &SessionCookie,
) -> Result<String, SessionError> {
    let mut out = String::with_capacity(name.len() + id.len() + 160);
    out.push_str(name);
    // encodeURIComponent("s:" + id + "." + signature)
    out.push_str("=s%3A");
    out.extend(utf8_percent_encode(id, URI_COMPONENT));
    out.push('.');
    out.extend(utf8_percent_encode(signature.as_str(), URI_COMPONENT));

    if let Some(domain) = cookie.domain().filter(|d| !d.is_empty()) {
        if !is_valid_domain(domain) {
            return Err(SessionError::cookie(format!(
                "its domain `{domain}` is not a domain name"
            )));
        }
        out.push_str("; Domain=");
        out.push_str(domain);
    }
    let path = cookie.path();
    if !path.is_empty() {
        if !is_valid_path(path) {
            return Err(SessionError::cookie(format!(
                "its path `{path}` has characters a cookie cannot carry"
            )));
        }
        out.push_str("; Path=");
        out.push_str(path);
    }
    if let Some(expires) = cookie.expires_ms() {
        let text = date::imf_fixdate(expires).ok_or_else(|| {
            SessionError::cookie("its expiry is outside the dates JavaScript can represent")
        })?;
        out.push_str("; Expires=");
        out.push_str(text.as_str());
    }
    if cookie.http_only() {
        out.push_str("; HttpOnly");
    }
    if cookie.secure() == Some(true) {
        out.push_str("; Secure");
    }
    if cookie.partitioned() == Some(true) {
        out.push_str("; Partitioned");
    }
    match cookie.priority() {
        None => {}
        Some(Priority::Low) => out.push_str("; Priority=Low"),
        Some(Priority::Medium) => out.push_str("; Priority=Medium"),
        Some(Priority::High) => out.push_str("; Priority=High"),
    }
    match cookie.same_site() {
        None | Some(SameSite::False) => {}
        Some(SameSite::True | SameSite::Strict) => out.push_str("; SameSite=Strict"),
        Some(SameSite::Lax) => out.push_str("; SameSite=Lax"),
        Some(SameSite::None) => out.push_str("; SameSite=None"),
        Some(SameSite::Auto) => {
            return Err(SessionError::cookie(
                "its SameSite is `Auto`, which only options can resolve; set Strict, Lax or None",
            ));
        }
    }
    Ok(out)
}

/// An RFC 7230 token (cookie@0.7.2's `cookieNameRegExp`).
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Dot-separated labels of letters, digits and inner hyphens, 1-63
/// characters each, optionally after one leading dot (`domainValueRegExp`).
pub(crate) fn is_valid_domain(domain: &str) -> bool {
    let domain = domain.strip_prefix('.').unwrap_or(domain);
    domain.split('.').all(|label| {
        let bytes = label.as_bytes();
        (1..=63).contains(&bytes.len())
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && bytes.first() != Some(&b'-')
            && bytes.last() != Some(&b'-')
    })
}

/// Printable ASCII without `;` and `<` (`pathValueRegExp`).
pub(crate) fn is_valid_path(path: &str) -> bool {
    path.bytes().all(|b| matches!(b, 0x20..=0x3A | 0x3D..=0x7E))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::session::options::{CookieOptions, Secure};
    use crate::session::signature::Signer;

    const NOW: i64 = 1_764_094_920_296; // 2025-11-25T18:22:00.296Z

    fn header(id: &str, options: &CookieOptions) -> String {
        let signer = Signer::new(&["keyboard cat"]).unwrap();
        let cookie = SessionCookie::from_options(options, false, NOW);
        serialize("connect.sid", id, &signer.signature(id), &cookie).unwrap()
    }

    #[test]
    fn the_spec_vectors_byte_for_byte() {
        // §4.4, with the default cookie options.
        let vectors = [
            (
                "apple",
                "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU",
            ),
            ("%", "s%3A%25.kzQ6x52kKVdF35Qh62AWk4ZekS28K5XYCXKa%2FOTZ01g"),
            (
                "/foo",
                "s%3A%2Ffoo.paEKBtAHbV5s1IB8B2zPnzAgYmmnRPIqObW4VRYj%2FMQ",
            ),
        ];
        for (id, value) in vectors {
            assert_eq!(
                header(id, &CookieOptions::default()),
                format!("connect.sid={value}; Path=/; HttpOnly")
            );
        }
    }

    #[test]
    fn encodes_like_encode_uri_component() {
        // Expected value from Node: encodeURIComponent("s:" + sign(id, secret)).
        let text = header("a b+é!~*'()-_.", &CookieOptions::default());
        assert_eq!(
            text,
            "connect.sid=s%3Aa%20b%2B%C3%A9!~*'()-_..f8hCpU6farZXMUaVDjd6622VuS9Xw6Ii6owC6rssh7o\
             ; Path=/; HttpOnly"
        );
    }

    #[test]
    fn attributes_in_express_sessions_order() {
        // The `attrs` configuration of the contract app.
        let attrs = CookieOptions::default()
            .domain("example.test")
            .http_only(false)
            .partitioned(true)
            .priority(Priority::High)
            .path("/attrs");
        let text = header("id", &attrs);
        assert!(
            text.ends_with("; Domain=example.test; Path=/attrs; Partitioned; Priority=High"),
            "{text}"
        );
        // `attrs2`: Expires in IMF-fixdate, no Max-Age, Partitioned false.
        let attrs2 = CookieOptions::default()
            .domain(".example.test")
            .http_only(true)
            .partitioned(false)
            .priority(Priority::Low)
            .secure(false)
            .same_site(SameSite::Lax)
            .max_age(Duration::from_secs(60));
        let text = header("id", &attrs2);
        assert!(
            text.ends_with(
                "; Domain=.example.test; Path=/; Expires=Tue, 25 Nov 2025 18:23:00 GMT; \
                 HttpOnly; Priority=Low; SameSite=Lax"
            ),
            "{text}"
        );
        // Everything on.
        let all = CookieOptions::default()
            .secure(Secure::Always)
            .same_site(SameSite::None)
            .partitioned(true)
            .priority(Priority::Medium)
            .max_age(Duration::from_millis(1500));
        let text = header("id", &all);
        assert!(
            text.ends_with(
                "; Path=/; Expires=Tue, 25 Nov 2025 18:22:01 GMT; HttpOnly; Secure; \
                 Partitioned; Priority=Medium; SameSite=None"
            ),
            "{text}"
        );
    }

    #[test]
    fn same_site_values() {
        let cases = [
            (SameSite::True, "; SameSite=Strict"),
            (SameSite::Strict, "; SameSite=Strict"),
            (SameSite::Lax, "; SameSite=Lax"),
            (SameSite::None, "; SameSite=None"),
            (SameSite::False, "; HttpOnly"),
        ];
        for (same_site, end) in cases {
            let text = header("id", &CookieOptions::default().same_site(same_site));
            assert!(text.ends_with(end), "{same_site:?}: {text}");
        }
    }

    #[test]
    fn unsendable_values_are_errors() {
        let signer = Signer::new(&["keyboard cat"]).unwrap();
        let mut cookie = SessionCookie::from_options(&CookieOptions::default(), false, NOW);
        cookie.set_domain(Some("exa mple.com"));
        assert!(
            serialize("sid", "id", &signer.signature("id"), &cookie)
                .unwrap_err()
                .is_cookie()
        );
        let mut cookie = SessionCookie::from_options(&CookieOptions::default(), false, NOW);
        cookie.set_same_site(Some(SameSite::Auto));
        assert!(serialize("sid", "id", &signer.signature("id"), &cookie).is_err());
        let mut cookie = SessionCookie::from_options(&CookieOptions::default(), false, NOW);
        cookie.set_path("/é");
        assert!(serialize("sid", "id", &signer.signature("id"), &cookie).is_err());
        let mut cookie = SessionCookie::from_options(&CookieOptions::default(), false, NOW);
        cookie.set_max_age_at(Some(i64::MAX), NOW);
        assert!(serialize("sid", "id", &signer.signature("id"), &cookie).is_err());
    }

    #[test]
    fn validators_follow_cookie_0_7_2() {
        for good in [
            "example.com",
            ".example.com",
            "a",
            "xn--bcher-kva.ch",
            "A-1.B2",
        ] {
            assert!(is_valid_domain(good), "{good}");
        }
        let long_label = "a".repeat(64);
        for bad in [
            "",
            ".",
            "a..b",
            "a.",
            "-a.com",
            "a-.com",
            "ex ample.com",
            "..a",
            &long_label,
        ] {
            assert!(!is_valid_domain(bad), "{bad}");
        }
        assert!(is_valid_name("connect.sid"));
        assert!(!is_valid_name("a b") && !is_valid_name("a=b") && !is_valid_name(""));
        assert!(is_valid_path("/path with space/=x"));
        assert!(!is_valid_path("/a;b") && !is_valid_path("/a<b") && !is_valid_path("/\t"));
    }
}
