//! The session's cookie: express-session's `req.session.cookie` (spec §7.2)
//! and its JSON form inside the stored document (§8).

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::date;
use super::options::{CookieLifetime, CookieOptions, Secure};

/// The `SameSite` attribute, with express-session's values (spec O10, W5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Strict`; stored as `"strict"`.
    Strict,
    /// `SameSite=Lax`; stored as `"lax"`.
    Lax,
    /// `SameSite=None` (which does not add `Secure`); stored as `"none"`.
    None,
    /// JavaScript's `sameSite: true`: `SameSite=Strict`, stored as `true`.
    True,
    /// JavaScript's `sameSite: false`: no attribute, stored as `false`.
    False,
    /// Options only: `None` when the request that creates the session is
    /// secure, `Lax` otherwise, decided once at creation (spec G3). Unlike
    /// express-session 1.19, also resolved for per-request cookie options.
    Auto,
}

impl SameSite {
    fn json(self) -> JsonSameSite {
        match self {
            SameSite::Strict => JsonSameSite::Text("strict"),
            SameSite::Lax => JsonSameSite::Text("lax"),
            SameSite::None => JsonSameSite::Text("none"),
            SameSite::Auto => JsonSameSite::Text("auto"),
            SameSite::True => JsonSameSite::Bool(true),
            SameSite::False => JsonSameSite::Bool(false),
        }
    }
}

enum JsonSameSite {
    Text(&'static str),
    Bool(bool),
}

/// The `Priority` attribute (spec O10, W6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// `Priority=Low`; stored as `"low"`.
    Low,
    /// `Priority=Medium`; stored as `"medium"`.
    Medium,
    /// `Priority=High`; stored as `"high"`.
    High,
}

impl Priority {
    fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
        }
    }
}

/// A session's cookie: its lifetime and attributes, stored with the session
/// and sent in `Set-Cookie` (express-session's `req.session.cookie`).
///
/// The lifetime follows express-session to the millisecond: `expires` is an
/// absolute time, `max_age` is what remains of it, and `original_max_age` is
/// the lifetime the session was given, which every request restores
/// (`expires = now + original_max_age`, spec §7 A3). A cookie without
/// `expires` is a browser-session cookie.
///
/// ```
/// use std::time::Duration;
/// use nestling::session::{CookieOptions, SessionCookie};
///
/// let mut cookie = SessionCookie::new(&CookieOptions::default().max_age(Duration::from_secs(60)));
/// assert_eq!(cookie.original_max_age(), Some(Duration::from_secs(60)));
/// cookie.set_max_age(None); // now a browser-session cookie
/// assert_eq!(cookie.expires(), None);
/// assert_eq!(cookie.original_max_age(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCookie {
    /// Milliseconds; `null` in JSON when `None`.
    original_max_age: Option<i64>,
    /// Milliseconds since the epoch; `null` in JSON when `None`.
    expires: Option<i64>,
    secure: Option<bool>,
    http_only: bool,
    domain: Option<Cow<'static, str>>,
    path: Cow<'static, str>,
    same_site: Option<SameSite>,
    partitioned: Option<bool>,
    priority: Option<Priority>,
}

impl SessionCookie {
    /// The cookie of a new session made from `options` (spec K1), created
    /// now by a request that is not secure (so `Secure::Auto` and
    /// `SameSite::Auto` resolve to "no" and `Lax`).
    pub fn new(options: &CookieOptions) -> SessionCookie {
        SessionCookie::from_options(options, false, date::now_ms())
    }

    /// The cookie of a new session (spec G1-G3, K1, K7): `Auto` values are
    /// resolved with `secure_request`, the lifetime starts at `now`.
    pub(crate) fn from_options(
        options: &CookieOptions,
        secure_request: bool,
        now: i64,
    ) -> SessionCookie {
        let mut cookie = SessionCookie {
            original_max_age: None,
            expires: None,
            secure: options.secure.map(|secure| match secure {
                Secure::Always => true,
                Secure::Never => false,
                Secure::Auto => secure_request,
            }),
            http_only: options.http_only,
            domain: options.domain.clone(),
            path: options.path.clone(),
            same_site: options.same_site.map(|same_site| match same_site {
                SameSite::Auto if secure_request => SameSite::None,
                SameSite::Auto => SameSite::Lax,
                other => other,
            }),
            partitioned: options.partitioned,
            priority: options.priority,
        };
        // Whichever of maxAge/expires was given last wins (O10).
        match options.lifetime {
            None => {}
            Some(CookieLifetime::MaxAge(max_age)) => {
                cookie.set_max_age_at(Some(date::duration_ms(max_age)), now);
            }
            Some(CookieLifetime::Expires(at)) => {
                cookie.set_expires_at(Some(date::to_ms(at)), now);
            }
        }
        cookie
    }

    // --- lifetime -----------------------------------------------------------

    /// When the cookie expires; `None` for a browser-session cookie.
    pub fn expires(&self) -> Option<SystemTime> {
        self.expires.map(date::from_ms)
    }

    /// Sets when the cookie expires, and with it the original max age
    /// (`expires - now`, spec K2). `None` makes it a browser-session cookie.
    pub fn set_expires(&mut self, expires: Option<SystemTime>) {
        self.set_expires_at(expires.map(date::to_ms), date::now_ms());
    }

    /// What remains of the cookie's lifetime (zero once it has passed);
    /// `None` for a browser-session cookie.
    pub fn max_age(&self) -> Option<Duration> {
        self.max_age_ms()
            .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
    }

    /// Sets the remaining lifetime: `expires = now + max_age`, and the
    /// original max age to `max_age` (spec K3). `None` makes it a
    /// browser-session cookie.
    pub fn set_max_age(&mut self, max_age: Option<Duration>) {
        self.set_max_age_at(max_age.map(date::duration_ms), date::now_ms());
    }

    /// express-session's `cookie.maxAge` in milliseconds: `expires - now`,
    /// negative once passed (spec K4).
    pub fn max_age_ms(&self) -> Option<i64> {
        self.max_age_at(date::now_ms())
    }

    /// Sets `cookie.maxAge` in milliseconds, as express-session's setter
    /// (spec K3): `0` expires immediately.
    pub fn set_max_age_ms(&mut self, max_age: Option<i64>) {
        self.set_max_age_at(max_age, date::now_ms());
    }

    /// The lifetime the session was given (spec K5), restored on every
    /// request; `None` for a browser-session cookie. Zero if negative.
    pub fn original_max_age(&self) -> Option<Duration> {
        self.original_max_age
            .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
    }

    /// express-session's `cookie.originalMaxAge` in milliseconds.
    pub fn original_max_age_ms(&self) -> Option<i64> {
        self.original_max_age
    }

    /// Restarts the lifetime: `expires = now + original_max_age` (spec A3).
    /// The session layer does this once per request by itself.
    pub fn touch(&mut self) {
        self.touch_with(date::now_ms);
    }

    pub(crate) fn expires_ms(&self) -> Option<i64> {
        self.expires
    }

    pub(crate) fn max_age_at(&self, now: i64) -> Option<i64> {
        self.expires.map(|expires| expires.saturating_sub(now))
    }

    pub(crate) fn set_max_age_at(&mut self, max_age: Option<i64>, now: i64) {
        self.set_expires_at(max_age.map(|ms| now.saturating_add(ms)), now);
    }

    pub(crate) fn set_expires_at(&mut self, expires: Option<i64>, now: i64) {
        self.expires = expires;
        self.original_max_age = self.max_age_at(now);
    }

    pub(crate) fn touch_at(&mut self, now: i64) {
        self.set_max_age_at(self.original_max_age, now);
    }

    /// [`touch_at`](Self::touch_at) the time `now` gives, asked only when
    /// the cookie has a `maxAge` to restart: a browser-session cookie
    /// touches to itself (no `expires`) whatever the time.
    pub(crate) fn touch_with(&mut self, now: impl FnOnce() -> i64) {
        match self.original_max_age {
            Some(_) => self.touch_at(now()),
            None => self.set_expires_at(None, 0),
        }
    }

    // --- attributes ---------------------------------------------------------

    /// `Path`; `/` by default. An empty path sends no attribute.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Sets `Path`.
    pub fn set_path(&mut self, path: impl Into<Cow<'static, str>>) {
        self.path = path.into();
    }

    /// `Domain`; none by default.
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// Sets `Domain`.
    pub fn set_domain(&mut self, domain: Option<impl Into<Cow<'static, str>>>) {
        self.domain = domain.map(Into::into);
    }

    /// `Secure`: `None` when not set (no attribute, absent from the stored
    /// document), `Some(false)` when set to false.
    pub fn secure(&self) -> Option<bool> {
        self.secure
    }

    /// Sets `Secure`. A secure cookie is not sent over plain HTTP, but the
    /// session is still saved (spec C5).
    pub fn set_secure(&mut self, secure: Option<bool>) {
        self.secure = secure;
    }

    /// `HttpOnly`; true by default.
    pub fn http_only(&self) -> bool {
        self.http_only
    }

    /// Sets `HttpOnly`.
    pub fn set_http_only(&mut self, http_only: bool) {
        self.http_only = http_only;
    }

    /// `SameSite`; none by default.
    pub fn same_site(&self) -> Option<SameSite> {
        self.same_site
    }

    /// Sets `SameSite`. `SameSite::Auto` only means something in options: on
    /// a session's cookie it makes `Set-Cookie` fail, as in express-session.
    pub fn set_same_site(&mut self, same_site: Option<SameSite>) {
        self.same_site = same_site;
    }

    /// `Partitioned`; none by default.
    pub fn partitioned(&self) -> Option<bool> {
        self.partitioned
    }

    /// Sets `Partitioned`.
    pub fn set_partitioned(&mut self, partitioned: Option<bool>) {
        self.partitioned = partitioned;
    }

    /// `Priority`; none by default.
    pub fn priority(&self) -> Option<Priority> {
        self.priority
    }

    /// Sets `Priority`.
    pub fn set_priority(&mut self, priority: Option<Priority>) {
        self.priority = priority;
    }
}

/// The cookie's JSON in the stored document (spec K6): `originalMaxAge`,
/// `partitioned`, `priority`, `expires`, `secure`, `httpOnly`, `domain`,
/// `path`, `sameSite`, in that order; unset members are left out, while
/// `originalMaxAge` and `expires` are `null` when absent.
impl Serialize for SessionCookie {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Cookie", 9)?;
        s.serialize_field("originalMaxAge", &self.original_max_age)?;
        if let Some(partitioned) = self.partitioned {
            s.serialize_field("partitioned", &partitioned)?;
        }
        if let Some(priority) = self.priority {
            s.serialize_field("priority", priority.as_str())?;
        }
        // An expiry JavaScript cannot represent is an invalid Date: `null`.
        let expires = self.expires.and_then(date::iso8601);
        s.serialize_field("expires", &expires.as_ref().map(|d| d.as_str()))?;
        if let Some(secure) = self.secure {
            s.serialize_field("secure", &secure)?;
        }
        s.serialize_field("httpOnly", &self.http_only)?;
        if let Some(domain) = &self.domain {
            s.serialize_field("domain", domain)?;
        }
        s.serialize_field("path", &self.path)?;
        match self.same_site.map(SameSite::json) {
            None => {}
            Some(JsonSameSite::Text(text)) => s.serialize_field("sameSite", text)?,
            Some(JsonSameSite::Bool(flag)) => s.serialize_field("sameSite", &flag)?,
        }
        s.end()
    }
}

/// Reads a stored cookie as express-session's `createSession` does (spec
/// I1-I4): defaults `path: "/"` and `httpOnly: true` for missing members,
/// `expires` parsed from its ISO-8601 text (an unreadable date counts as no
/// expiry), `originalMaxAge` kept verbatim, unknown members ignored.
impl<'de> Deserialize<'de> for SessionCookie {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CookieVisitor)
    }
}

struct CookieVisitor;

impl<'de> Visitor<'de> for CookieVisitor {
    type Value = SessionCookie;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a session cookie object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SessionCookie, A::Error> {
        let mut cookie = SessionCookie {
            original_max_age: None,
            expires: None,
            secure: None,
            http_only: true,
            domain: None,
            path: Cow::Borrowed("/"),
            same_site: None,
            partitioned: None,
            priority: None,
        };
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::OriginalMaxAge => cookie.original_max_age = map.next_value::<Millis>()?.0,
                Field::Expires => cookie.expires = map.next_value::<StoredDate>()?.0,
                Field::Secure => cookie.secure = map.next_value()?,
                Field::HttpOnly => {
                    cookie.http_only = map.next_value::<Option<bool>>()?.unwrap_or(false);
                }
                Field::Domain => {
                    cookie.domain = map.next_value::<Option<String>>()?.map(Cow::Owned);
                }
                Field::Path => {
                    let path = map.next_value::<Option<Cow<'de, str>>>()?;
                    cookie.path = match path.as_deref() {
                        Some("/") => Cow::Borrowed("/"),
                        Some(path) => Cow::Owned(path.to_owned()),
                        None => Cow::Borrowed(""),
                    };
                }
                Field::SameSite => cookie.same_site = map.next_value::<StoredSameSite>()?.0,
                Field::Partitioned => cookie.partitioned = map.next_value()?,
                Field::Priority => cookie.priority = map.next_value::<StoredPriority>()?.0,
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(cookie)
    }
}

enum Field {
    OriginalMaxAge,
    Expires,
    Secure,
    HttpOnly,
    Domain,
    Path,
    SameSite,
    Partitioned,
    Priority,
    Other,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a cookie member name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
                Ok(match name {
                    "originalMaxAge" => Field::OriginalMaxAge,
                    "expires" => Field::Expires,
                    "secure" => Field::Secure,
                    "httpOnly" => Field::HttpOnly,
                    "domain" => Field::Domain,
                    "path" => Field::Path,
                    "sameSite" => Field::SameSite,
                    "partitioned" => Field::Partitioned,
                    "priority" => Field::Priority,
                    _ => Field::Other,
                })
            }
        }
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

/// A JavaScript number of milliseconds, or `null`.
struct Millis(Option<i64>);

impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Option::<f64>::deserialize(deserializer)?;
        // Truncated like JavaScript's Date arithmetic; `as` saturates.
        Ok(Millis(value.filter(|v| v.is_finite()).map(|v| v as i64)))
    }
}

/// A stored `expires`: an ISO-8601 string (what `Date#toJSON` writes), a
/// number of milliseconds, or `null`/`false`. An unreadable value is an
/// invalid JavaScript `Date`: treated as no expiry.
pub(crate) struct StoredDate(pub(crate) Option<i64>);

impl<'de> Deserialize<'de> for StoredDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = StoredDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<StoredDate, E> {
                Ok(StoredDate(date::parse_iso8601(text)))
            }
            fn visit_f64<E: de::Error>(self, ms: f64) -> Result<StoredDate, E> {
                let ms = ms.is_finite().then_some(ms as i64);
                Ok(StoredDate(ms.filter(|&ms| ms != 0 && date::is_valid(ms))))
            }
            fn visit_i64<E: de::Error>(self, ms: i64) -> Result<StoredDate, E> {
                Ok(StoredDate(
                    Some(ms).filter(|&ms| ms != 0 && date::is_valid(ms)),
                ))
            }
            fn visit_u64<E: de::Error>(self, ms: u64) -> Result<StoredDate, E> {
                self.visit_i64(i64::try_from(ms).unwrap_or(i64::MAX))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<StoredDate, E> {
                Ok(StoredDate(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<StoredDate, E> {
                Ok(StoredDate(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<StoredDate, E> {
                Ok(StoredDate(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StoredDate, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(StoredDate(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<StoredDate, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(StoredDate(None))
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

struct StoredSameSite(Option<SameSite>);

impl<'de> Deserialize<'de> for StoredSameSite {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SameSiteVisitor;
        impl Visitor<'_> for SameSiteVisitor {
            type Value = StoredSameSite;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true, false, \"lax\", \"strict\" or \"none\"")
            }
            fn visit_bool<E: de::Error>(self, flag: bool) -> Result<StoredSameSite, E> {
                Ok(StoredSameSite(Some(if flag {
                    SameSite::True
                } else {
                    SameSite::False
                })))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<StoredSameSite, E> {
                let same_site = match text.to_ascii_lowercase().as_str() {
                    "lax" => SameSite::Lax,
                    "strict" => SameSite::Strict,
                    "none" => SameSite::None,
                    "auto" => SameSite::Auto,
                    _ => return Err(E::invalid_value(de::Unexpected::Str(text), &self)),
                };
                Ok(StoredSameSite(Some(same_site)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<StoredSameSite, E> {
                Ok(StoredSameSite(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<StoredSameSite, E> {
                Ok(StoredSameSite(None))
            }
        }
        deserializer.deserialize_any(SameSiteVisitor)
    }
}

struct StoredPriority(Option<Priority>);

impl<'de> Deserialize<'de> for StoredPriority {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Option::<Cow<'de, str>>::deserialize(deserializer)?;
        let Some(text) = text else {
            return Ok(StoredPriority(None));
        };
        let priority = match text.to_ascii_lowercase().as_str() {
            "low" => Priority::Low,
            "medium" => Priority::Medium,
            "high" => Priority::High,
            _ => {
                return Err(de::Error::invalid_value(
                    de::Unexpected::Str(&text),
                    &"\"low\", \"medium\" or \"high\"",
                ));
            }
        };
        Ok(StoredPriority(Some(priority)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::json;

    const NOW: i64 = 1_764_094_920_296; // 2025-11-25T18:22:00.296Z

    fn to_json(cookie: &SessionCookie) -> String {
        let mut out = Vec::new();
        json::write(&mut out, cookie).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn defaults_are_express_sessions() {
        // K1: path '/', maxAge null, httpOnly true, the rest unset.
        let cookie = SessionCookie::from_options(&CookieOptions::default(), false, NOW);
        assert_eq!(
            to_json(&cookie),
            r#"{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}"#
        );
        assert_eq!(cookie.max_age_at(NOW), None);
    }

    #[test]
    fn max_age_sets_expires_and_original_max_age() {
        // §8's example document: maxAge 60000.
        let options = CookieOptions::default().max_age(Duration::from_secs(60));
        let cookie = SessionCookie::from_options(&options, false, NOW);
        assert_eq!(
            to_json(&cookie),
            r#"{"originalMaxAge":60000,"expires":"2025-11-25T18:23:00.296Z","httpOnly":true,"path":"/"}"#
        );
        // K4: maxAge counts down, may go negative; originalMaxAge stays (K5).
        assert_eq!(cookie.max_age_at(NOW + 1000), Some(59_000));
        assert_eq!(cookie.max_age_at(NOW + 61_000), Some(-1000));
        assert_eq!(cookie.original_max_age_ms(), Some(60_000));
    }

    #[test]
    fn setters_follow_express_session() {
        let mut cookie = SessionCookie::from_options(&CookieOptions::default(), false, NOW);
        // K3: maxAge = n sets expires = now + n and originalMaxAge = n.
        cookie.set_max_age_at(Some(5000), NOW);
        assert_eq!(cookie.expires_ms(), Some(NOW + 5000));
        assert_eq!(cookie.original_max_age_ms(), Some(5000));
        // maxAge 0 expires immediately.
        cookie.set_max_age_at(Some(0), NOW);
        assert_eq!(cookie.expires_ms(), Some(NOW));
        // K2: expires = d sets originalMaxAge = d - now.
        cookie.set_expires_at(Some(NOW + 10_000), NOW + 1000);
        assert_eq!(cookie.original_max_age_ms(), Some(9000));
        // A3: touch restores the lifetime from now.
        cookie.touch_at(NOW + 5000);
        assert_eq!(cookie.expires_ms(), Some(NOW + 14_000));
        assert_eq!(cookie.original_max_age_ms(), Some(9000));
        // maxAge = null: a browser-session cookie; touching keeps it one.
        cookie.set_max_age_at(None, NOW);
        assert_eq!(
            (cookie.expires_ms(), cookie.original_max_age_ms()),
            (None, None)
        );
        cookie.touch_at(NOW + 1);
        assert_eq!(cookie.expires_ms(), None);
    }

    #[test]
    fn touching_reads_the_clock_only_for_a_max_age() {
        let no_clock = || -> i64 { panic!("a browser-session cookie read the clock") };
        for options in [
            CookieOptions::default(),
            CookieOptions::default().max_age(Duration::from_secs(60)),
            CookieOptions::default().expires(date::from_ms(NOW + 60_000)),
        ] {
            let created = SessionCookie::from_options(&options, false, NOW);
            let (mut timed, mut lazy) = (created.clone(), created.clone());
            timed.touch_at(NOW + 7000);
            if created.original_max_age_ms().is_some() {
                lazy.touch_with(|| NOW + 7000);
            } else {
                lazy.touch_with(no_clock);
            }
            assert_eq!(lazy, timed, "{options:?}");
        }
    }

    #[test]
    fn fixed_expires_drifts_with_touches() {
        // K7: originalMaxAge = expires - creation; each touch moves expires.
        let at = date::from_ms(NOW + 60_000);
        let options = CookieOptions::default().expires(at);
        let mut cookie = SessionCookie::from_options(&options, false, NOW);
        assert_eq!(cookie.original_max_age_ms(), Some(60_000));
        cookie.touch_at(NOW + 30_000);
        assert_eq!(cookie.expires_ms(), Some(NOW + 90_000));
    }

    #[test]
    fn the_option_given_last_wins() {
        // The `both` configuration: expires then maxAge -> maxAge wins.
        let options = CookieOptions::default()
            .expires(date::from_ms(4_070_908_800_000))
            .max_age(Duration::from_secs(60));
        let cookie = SessionCookie::from_options(&options, false, NOW);
        assert_eq!(cookie.expires_ms(), Some(NOW + 60_000));
        let options = CookieOptions::default()
            .max_age(Duration::from_secs(60))
            .expires(date::from_ms(4_070_908_800_000));
        let cookie = SessionCookie::from_options(&options, false, NOW);
        assert_eq!(cookie.expires_ms(), Some(4_070_908_800_000));
    }

    #[test]
    fn auto_values_resolve_at_creation() {
        let options = CookieOptions::default()
            .secure(Secure::Auto)
            .same_site(SameSite::Auto);
        let secure = SessionCookie::from_options(&options, true, NOW);
        assert_eq!(
            (secure.secure(), secure.same_site()),
            (Some(true), Some(SameSite::None))
        );
        let plain = SessionCookie::from_options(&options, false, NOW);
        assert_eq!(
            (plain.secure(), plain.same_site()),
            (Some(false), Some(SameSite::Lax))
        );
        // `sameSite: 'auto'` alone does not imply Secure (G3).
        let options = CookieOptions::default().same_site(SameSite::Auto);
        assert_eq!(
            SessionCookie::from_options(&options, true, NOW).secure(),
            None
        );
    }

    #[test]
    fn every_member_in_express_order() {
        let options = CookieOptions::default()
            .domain(".example.test")
            .http_only(true)
            .partitioned(false)
            .priority(Priority::Low)
            .secure(false)
            .same_site(SameSite::Lax)
            .max_age(Duration::from_secs(60));
        let cookie = SessionCookie::from_options(&options, false, NOW);
        let text = to_json(&cookie);
        assert_eq!(
            text,
            r#"{"originalMaxAge":60000,"partitioned":false,"priority":"low","expires":"2025-11-25T18:23:00.296Z","secure":false,"httpOnly":true,"domain":".example.test","path":"/","sameSite":"lax"}"#
        );
        let back: SessionCookie = serde_json::from_str(&text).unwrap();
        assert_eq!(back, cookie);
        let same_site_true = CookieOptions::default().same_site(SameSite::True);
        let cookie = SessionCookie::from_options(&same_site_true, false, NOW);
        assert!(to_json(&cookie).ends_with(r#""path":"/","sameSite":true}"#));
    }

    #[test]
    fn reads_stored_cookies_like_create_session() {
        // Missing members take the constructor's defaults (I2); unknown ones
        // are ignored; originalMaxAge is verbatim (I4).
        let cookie: SessionCookie = serde_json::from_str(
            r#"{"originalMaxAge":1234,"expires":"2099-01-01T00:00:00.000Z","x":[1]}"#,
        )
        .unwrap();
        assert_eq!(cookie.path(), "/");
        assert!(cookie.http_only());
        assert_eq!(cookie.original_max_age_ms(), Some(1234));
        assert_eq!(cookie.expires_ms(), Some(4_070_908_800_000));
        // An unreadable date is an invalid Date: no expiry.
        let cookie: SessionCookie =
            serde_json::from_str(r#"{"originalMaxAge":null,"expires":"soon"}"#).unwrap();
        assert_eq!(cookie.expires_ms(), None);
        // Attribute values are read case-insensitively.
        let cookie: SessionCookie =
            serde_json::from_str(r#"{"sameSite":"Strict","priority":"HIGH"}"#).unwrap();
        assert_eq!(cookie.same_site(), Some(SameSite::Strict));
        assert_eq!(cookie.priority(), Some(Priority::High));
        assert!(serde_json::from_str::<SessionCookie>(r#"{"sameSite":"sideways"}"#).is_err());
        assert!(serde_json::from_str::<SessionCookie>("5").is_err());
    }
}
