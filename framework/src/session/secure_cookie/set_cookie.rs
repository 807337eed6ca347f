//! The attributes of the session's `Set-Cookie`, in @fastify/cookie's
//! order (cookie 2's `stringifySetCookie`): `Max-Age`, `Domain`, `Path`,
//! `Expires`, `HttpOnly`, `Secure`, `Partitioned`, `Priority`, `SameSite`
//! (spec §3, §5). Unlike express-session, a max age is sent as `Max-Age`
//! in seconds.

use std::borrow::Cow;

use crate::session::cookie::{Priority, SameSite, SessionCookie};
use crate::session::date;
use crate::session::options::{CookieLifetime, CookieOptions, Secure};
use crate::session::set_cookie::{is_valid_domain, is_valid_path};

/// The most bytes a `Set-Cookie` line (name, value and attributes) may
/// have: RFC 6265 asks browsers to keep cookies up to this size, and
/// larger ones are dropped without a word.
pub(crate) const MAX_COOKIE_BYTES: usize = 4096;

/// What `Expires=` says when the session is deleted.
const EPOCH: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

/// The attributes of one `Set-Cookie`.
pub(crate) struct Attributes<'a> {
    max_age_secs: Option<i64>,
    domain: Option<&'a str>,
    path: &'a str,
    expires_ms: Option<i64>,
    http_only: bool,
    secure: bool,
    partitioned: bool,
    priority: Option<Priority>,
    same_site: Option<SameSite>,
}

impl<'a> Attributes<'a> {
    /// The attributes of the configured options, for a request that is
    /// `secure_request` or not (`Secure::Auto`, `SameSite::Auto`).
    pub(crate) fn of_options(options: &'a CookieOptions, secure_request: bool) -> Self {
        let (max_age_secs, expires_ms) = match options.lifetime {
            None => (None, None),
            Some(CookieLifetime::MaxAge(max_age)) => (
                Some(i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX)),
                None,
            ),
            Some(CookieLifetime::Expires(at)) => (None, Some(date::to_ms(at))),
        };
        Attributes {
            max_age_secs,
            domain: options.domain.as_deref(),
            path: &options.path,
            expires_ms,
            http_only: options.http_only,
            secure: match options.secure {
                None | Some(Secure::Never) => false,
                Some(Secure::Always) => true,
                Some(Secure::Auto) => secure_request,
            },
            partitioned: options.partitioned == Some(true),
            priority: options.priority,
            same_site: match options.same_site {
                Some(SameSite::Auto) if secure_request => Some(SameSite::None),
                Some(SameSite::Auto) | None => Some(SameSite::Lax),
                other => other,
            },
        }
    }

    /// The attributes of a cookie a handler changed for this response
    /// ([`Session::cookie_mut`](crate::Session::cookie_mut)).
    pub(crate) fn of_cookie(cookie: &'a SessionCookie) -> Self {
        Attributes {
            max_age_secs: cookie.original_max_age_ms().map(|ms| ms.div_euclid(1000)),
            domain: cookie.domain(),
            path: cookie.path(),
            expires_ms: cookie.expires_ms(),
            http_only: cookie.http_only(),
            secure: cookie.secure() == Some(true),
            partitioned: cookie.partitioned() == Some(true),
            priority: cookie.priority(),
            same_site: cookie.same_site(),
        }
    }

    /// The same attributes, deleting the cookie: `Max-Age=0` and
    /// `Expires` at the epoch, as the plugin's `delete()` sends.
    pub(crate) fn deleting(mut self) -> Self {
        self.max_age_secs = Some(0);
        self.expires_ms = None;
        self
    }

    /// Appends `; Max-Age=..; Domain=..` and the rest to `out`.
    ///
    /// # Errors
    /// A value a cookie cannot carry (only from a handler's changes; the
    /// options were checked at start-up).
    pub(crate) fn write(&self, out: &mut String) -> Result<(), Cow<'static, str>> {
        if let Some(max_age) = self.max_age_secs {
            out.push_str("; Max-Age=");
            out.push_str(itoa(max_age).as_str());
        }
        if let Some(domain) = self.domain.filter(|d| !d.is_empty()) {
            if !is_valid_domain(domain) {
                return Err(format!("its domain `{domain}` is not a domain name").into());
            }
            out.push_str("; Domain=");
            out.push_str(domain);
        }
        if !is_valid_path(self.path) {
            return Err(format!(
                "its path `{}` has characters a cookie cannot carry",
                self.path
            )
            .into());
        }
        // @fastify/cookie sends `Path=/` when none is given.
        out.push_str("; Path=");
        out.push_str(if self.path.is_empty() { "/" } else { self.path });
        if self.max_age_secs == Some(0) && self.expires_ms.is_none() {
            out.push_str("; Expires=");
            out.push_str(EPOCH);
        } else if let Some(expires) = self.expires_ms {
            let text = date::imf_fixdate(expires)
                .ok_or("its expiry is outside the dates JavaScript can represent")?;
            out.push_str("; Expires=");
            out.push_str(text.as_str());
        }
        if self.http_only {
            out.push_str("; HttpOnly");
        }
        if self.secure {
            out.push_str("; Secure");
        }
        if self.partitioned {
            out.push_str("; Partitioned");
        }
        match self.priority {
            None => {}
            Some(Priority::Low) => out.push_str("; Priority=Low"),
            Some(Priority::Medium) => out.push_str("; Priority=Medium"),
            Some(Priority::High) => out.push_str("; Priority=High"),
        }
        match self.same_site {
            None | Some(SameSite::False) => {}
            Some(SameSite::True | SameSite::Strict) => out.push_str("; SameSite=Strict"),
            Some(SameSite::Lax | SameSite::Auto) => out.push_str("; SameSite=Lax"),
            Some(SameSite::None) => out.push_str("; SameSite=None"),
        }
        Ok(())
    }
}

/// An integer's decimal text without allocating.
fn itoa(value: i64) -> Digits {
    let mut digits = Digits {
        bytes: [0; 20],
        start: 20,
    };
    let negative = value < 0;
    let mut rest = value.unsigned_abs();
    loop {
        digits.start -= 1;
        digits.bytes[digits.start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if negative && digits.start > 0 {
        digits.start -= 1;
        digits.bytes[digits.start] = b'-';
    }
    digits
}

struct Digits {
    bytes: [u8; 20],
    start: usize,
}

impl Digits {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[self.start..]).unwrap_or("0")
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn text(options: &CookieOptions, secure: bool) -> String {
        let mut out = String::new();
        Attributes::of_options(options, secure)
            .write(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn defaults_are_path_httponly_lax() {
        assert_eq!(
            text(&CookieOptions::new(), false),
            "; Path=/; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn attributes_in_fastify_cookies_order() {
        let options = CookieOptions::new()
            .max_age(Duration::from_secs(3600))
            .domain("example.test")
            .path("/app")
            .secure(Secure::Auto)
            .partitioned(true)
            .priority(Priority::High)
            .same_site(SameSite::Auto);
        assert_eq!(
            text(&options, true),
            "; Max-Age=3600; Domain=example.test; Path=/app; HttpOnly; Secure; Partitioned; \
             Priority=High; SameSite=None"
        );
        assert_eq!(
            text(&options, false),
            "; Max-Age=3600; Domain=example.test; Path=/app; HttpOnly; Partitioned; \
             Priority=High; SameSite=Lax"
        );
        let fixed = CookieOptions::new()
            .expires(SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_094_980))
            .http_only(false)
            .same_site(SameSite::False);
        assert_eq!(
            text(&fixed, false),
            "; Path=/; Expires=Tue, 25 Nov 2025 18:23:00 GMT"
        );
    }

    #[test]
    fn deleting_sends_max_age_zero_and_the_epoch() {
        let options = CookieOptions::new().max_age(Duration::from_secs(60));
        let mut out = String::new();
        Attributes::of_options(&options, false)
            .deleting()
            .write(&mut out)
            .unwrap();
        assert_eq!(
            out,
            "; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn a_handlers_bad_values_are_errors() {
        let mut cookie = SessionCookie::new(&CookieOptions::new());
        cookie.set_domain(Some("exa mple"));
        assert!(
            Attributes::of_cookie(&cookie)
                .write(&mut String::new())
                .is_err()
        );
        let mut cookie = SessionCookie::new(&CookieOptions::new());
        cookie.set_path("/a;b");
        assert!(
            Attributes::of_cookie(&cookie)
                .write(&mut String::new())
                .is_err()
        );
    }

    #[test]
    fn integers_are_written_in_decimal() {
        for n in [0, 7, 10, 3600, -5, i64::MAX, i64::MIN + 1] {
            assert_eq!(itoa(n).as_str(), n.to_string());
        }
    }
}
