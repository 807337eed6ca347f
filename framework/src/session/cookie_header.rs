//! Reading the session id from the request's `Cookie` header, as
//! express-session does with cookie@0.7.2's `parse` (spec §4.1) and its
//! `getcookie` (§4.2).
//!
//! Header bytes are read as Latin-1, as Node does, so indexes and
//! signatures agree with express-session even for non-ASCII bytes.

use std::borrow::Cow;
use std::sync::Arc;

use http::HeaderMap;
use http::header::COOKIE;

use super::signature::{SignatureText, Signer};

/// The session id a request's cookie carried, its signature verified.
///
/// Made by [`SessionConfig::cookie_session_id`](super::SessionConfig::cookie_session_id);
/// given back to [`load`](super::SessionConfig::load) or
/// [`generate`](super::SessionConfig::generate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieId {
    /// Shared with the request's [`SessionState`](super::SessionState) and
    /// its end-of-request store call: one allocation per request.
    id: Arc<str>,
    /// The signature, when the first secret made it: a `Set-Cookie` for the
    /// same id carries the same signature, so it is not computed again.
    signature: Option<SignatureText>,
}

impl CookieId {
    #[cfg(test)]
    pub(crate) fn unsigned(id: &str) -> CookieId {
        CookieId {
            id: id.into(),
            signature: None,
        }
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id, owned.
    pub fn into_id(self) -> String {
        self.id.as_ref().to_owned()
    }

    /// The id, shared.
    pub(crate) fn shared_id(&self) -> &Arc<str> {
        &self.id
    }

    /// The signature of `id` with the first secret, if known.
    pub(crate) fn signature_of(&self, id: &str) -> Option<&SignatureText> {
        self.signature.as_ref().filter(|_| *self.id == *id)
    }
}

/// The verified session id in the request's cookies, or `None` when there
/// is no cookie `name`, its value is empty, unsigned (no `s:` prefix), not
/// signed by any of the secrets, or signs an empty id (spec P6-P8, SG4).
/// A `None` costs no store lookup (R8).
pub(crate) fn session_id(headers: &HeaderMap, name: &str, signer: &Signer) -> Option<CookieId> {
    let raw = headers
        .get_all(COOKIE)
        .iter()
        .find_map(|line| find_in_line(line.as_bytes(), name.as_bytes()))?;
    // The usual cookie, `s%3A<id>.<signature with %2B and %2F>`, decodes
    // on the stack: its escapes all stand for ASCII characters.
    let mut buffer = [0u8; INLINE_VALUE];
    if let Some(len) = decode_ascii_escapes_into(raw, &mut buffer) {
        // ASCII bytes in, ASCII bytes out.
        let value = std::str::from_utf8(&buffer[..len]).ok()?;
        return verified(value, signer).map(|(id, signature)| CookieId {
            id: id.into(),
            signature,
        });
    }
    let value = decode(raw);
    let (id, signature) = verified(&value, signer)?;
    Some(CookieId {
        id: id.into(),
        signature,
    })
}

/// Cookie values up to this length are percent-decoded on the stack when
/// they can be (a signed id takes 80 bytes).
const INLINE_VALUE: usize = 160;

/// The id a decoded cookie value signs, and its signature when the first
/// secret made it; `None` for an unsigned, forged or empty id.
fn verified<'v>(value: &'v str, signer: &Signer) -> Option<(&'v str, Option<SignatureText>)> {
    let rest = value.strip_prefix("s:")?;
    let (id, key) = signer.unsign(rest)?;
    if id.is_empty() {
        return None;
    }
    let signature = if key == 0 {
        SignatureText::from_verified(&rest[id.len() + 1..])
    } else {
        None
    };
    Some((id, signature))
}

/// The value of the first cookie called `name` (P3), trimmed, unquoted and
/// percent-decoded (P2, P4, P5). Node joins repeated `Cookie` lines with
/// `; `, which parses the same as reading the lines in order.
#[cfg(test)]
pub(crate) fn find<'h>(headers: &'h HeaderMap, name: &str) -> Option<Cow<'h, str>> {
    headers
        .get_all(COOKIE)
        .iter()
        .find_map(|line| find_in_line(line.as_bytes(), name.as_bytes()))
        .map(decode)
}

/// The value of the first cookie called `name` as the header has it,
/// trimmed and unquoted but not percent-decoded: for a reader that undoes
/// the escapes itself, in the same pass as the rest of its work (encrypted
/// cookie sessions), falling back to [`decode_bytes`].
pub(crate) fn find_raw<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h [u8]> {
    headers
        .get_all(COOKIE)
        .iter()
        .find_map(|line| find_in_line(line.as_bytes(), name.as_bytes()))
}

/// A raw value ([`find_raw`]) decoded as [`find`] does, as bytes: what
/// encrypted cookie sessions read, whose values are base64 with a few
/// escapes. A value whose escapes all stand for ASCII characters (`%2B`,
/// `%3B`, ...) is decoded in one pass without building a string; any other
/// is decoded by [`find`]'s rules.
pub(crate) fn decode_bytes(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'%') {
        // Bytes past ASCII stay as they are: the caller only looks for
        // ASCII characters, which Latin-1 maps to the same bytes.
        return Cow::Borrowed(raw);
    }
    if let Some(decoded) = decode_ascii_escapes(raw) {
        return Cow::Owned(decoded);
    }
    match decode(raw) {
        Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
        Cow::Owned(text) => Cow::Owned(text.into_bytes()),
    }
}

/// `decodeURIComponent` of a value whose every `%` starts an escape of an
/// ASCII character; `None` for any other value (a bad escape, or one of a
/// byte past ASCII, which only the full decoder can judge).
fn decode_ascii_escapes(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    // Copy the runs between escapes whole.
    while let Some(at) = memchr::memchr(b'%', rest) {
        out.extend_from_slice(&rest[..at]);
        let escaped = hex_byte(rest, at).filter(u8::is_ascii)?;
        out.push(escaped);
        rest = &rest[at + 3..];
    }
    out.extend_from_slice(rest);
    Some(out)
}

/// [`decode_ascii_escapes`] into `out`, for an ASCII `raw`: the decoded
/// length, or `None` when `raw` holds a byte past ASCII, an escape that is
/// not of an ASCII character, or does not fit (the caller then decodes by
/// the full rules). A value without `%` is copied as it is.
fn decode_ascii_escapes_into(raw: &[u8], out: &mut [u8]) -> Option<usize> {
    if raw.len() > out.len() || !raw.is_ascii() {
        return None;
    }
    let mut len = 0;
    let mut rest = raw;
    while let Some(at) = memchr::memchr(b'%', rest) {
        out[len..len + at].copy_from_slice(&rest[..at]);
        len += at;
        out[len] = hex_byte(rest, at).filter(u8::is_ascii)?;
        len += 1;
        rest = &rest[at + 3..];
    }
    out[len..len + rest.len()].copy_from_slice(rest);
    Some(len + rest.len())
}

/// cookie@0.7.2's `parse` loop over one header line, stopping at the first
/// pair named `name`; returns its raw value.
fn find_in_line<'h>(line: &'h [u8], name: &[u8]) -> Option<&'h [u8]> {
    let len = line.len();
    // A pair needs at least a name character and `=` (P1).
    if len < 2 {
        return None;
    }
    let mut index = 0;
    while index < len {
        let eq = index + memchr::memchr(b'=', &line[index..])?;
        let end = match memchr::memchr(b';', &line[index..]) {
            None => len,
            Some(semi) if index + semi < eq => {
                // A segment without `=`: restart after the last `;` before
                // this `=` (cookie's "backtrack on prior semicolon").
                let before = &line[..eq];
                index = memchr::memrchr(b';', before).map_or(0, |i| i + 1);
                continue;
            }
            Some(semi) => index + semi,
        };
        let key = trim(line, index, eq);
        if &line[key.0..key.1] == name {
            let (mut start, mut stop) = trim(line, eq + 1, end);
            if stop > start && line[start] == b'"' && line[stop - 1] == b'"' {
                start += 1;
                stop -= 1;
            }
            // A lone `"` leaves start past stop: an empty value.
            return Some(line.get(start..stop).unwrap_or_default());
        }
        index = end + 1;
    }
    None
}

/// The bounds of `line[from..to]` without leading and trailing spaces and
/// tabs (cookie's `startIndex`/`endIndex`).
fn trim(line: &[u8], from: usize, to: usize) -> (usize, usize) {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = from + line[from..to].iter().take_while(|b| blank(b)).count();
    let stop = to
        - line[start..to]
            .iter()
            .rev()
            .take_while(|b| blank(b))
            .count();
    (start, stop)
}

/// cookie's `tryDecode(decodeURIComponent)`: values with `%` are decoded,
/// and kept raw when decoding fails (bad escape, invalid UTF-8).
fn decode(raw: &[u8]) -> Cow<'_, str> {
    if raw.contains(&b'%')
        && let Some(decoded) = decode_uri_component(raw)
    {
        return Cow::Owned(decoded);
    }
    latin1(raw)
}

fn latin1(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) if bytes.is_ascii() => Cow::Borrowed(text),
        _ => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// JavaScript's `decodeURIComponent` over a Latin-1 string: `%XX` escapes
/// are UTF-8 bytes and must form whole, valid characters; any other byte is
/// the character of the same code. `None` where JavaScript throws.
fn decode_uri_component(raw: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'%' {
            // Copy a run of plain ASCII at once; a byte past 0x7F is the
            // Latin-1 character of that code.
            let run = raw[i..]
                .iter()
                .position(|&b| b == b'%' || !b.is_ascii())
                .map_or(raw.len(), |n| i + n);
            if run > i {
                out.push_str(std::str::from_utf8(&raw[i..run]).ok()?);
                i = run;
            } else {
                out.push(char::from(raw[i]));
                i += 1;
            }
            continue;
        }
        let lead = hex_byte(raw, i)?;
        let width = match lead {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return None,
        };
        let mut utf8 = [lead, 0, 0, 0];
        for (k, slot) in utf8.iter_mut().enumerate().take(width).skip(1) {
            *slot = hex_byte(raw, i + 3 * k)?;
        }
        // Rejects overlong forms, surrogates and code points past U+10FFFF,
        // as JavaScript does.
        out.push_str(std::str::from_utf8(&utf8[..width]).ok()?);
        i += 3 * width;
    }
    Some(out)
}

/// The byte of the escape `%XX` at `at`.
fn hex_byte(raw: &[u8], at: usize) -> Option<u8> {
    match raw.get(at..at + 3)? {
        [b'%', hi, lo] => {
            let digit = |c: u8| (c as char).to_digit(16);
            Some((digit(*hi)? * 16 + digit(*lo)?) as u8)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(lines: &[&[u8]]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for line in lines {
            map.append(COOKIE, HeaderValue::from_bytes(line).unwrap());
        }
        map
    }

    fn value(line: &str, name: &str) -> Option<String> {
        find(&headers(&[line.as_bytes()]), name).map(Cow::into_owned)
    }

    fn signer() -> Signer {
        Signer::new(&["keyboard cat"]).unwrap()
    }

    const APPLE: &str = "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU";

    #[test]
    fn the_stack_decoder_agrees_with_the_full_one() {
        let cases: [&[u8]; 9] = [
            APPLE.as_bytes(),
            b"s:apple.plain",
            b"%41%62c",
            b"bad%zzescape",
            b"truncated%4",
            b"%C3%A9t%C3%A9",
            b"caf\xe9",
            b"",
            &[b'a'; INLINE_VALUE + 1],
        ];
        for raw in cases {
            let mut out = [0u8; INLINE_VALUE];
            if let Some(len) = decode_ascii_escapes_into(raw, &mut out) {
                assert_eq!(&out[..len], decode(raw).as_bytes(), "{raw:?}");
            }
        }
        // Only what the fast path can judge is decoded there.
        let mut out = [0u8; INLINE_VALUE];
        assert_eq!(decode_ascii_escapes_into(b"%41%62c", &mut out), Some(3));
        assert_eq!(decode_ascii_escapes_into(b"bad%zz", &mut out), None);
        assert_eq!(decode_ascii_escapes_into(b"%C3%A9", &mut out), None);
        assert_eq!(
            decode_ascii_escapes_into(&[b'a'; INLINE_VALUE + 1], &mut out),
            None
        );
        // And a signed id reads the same either way.
        let id = session_id(
            &headers(&[format!("connect.sid={APPLE}").as_bytes()]),
            "connect.sid",
            &signer(),
        );
        assert_eq!(id.map(CookieId::into_id).as_deref(), Some("apple"));
    }

    #[test]
    fn parses_like_cookie_0_7_2() {
        assert_eq!(value("a=1; sid=x; b=2", "sid").as_deref(), Some("x"));
        // P2: spaces and tabs trimmed around names and values
        assert_eq!(
            value(" \tsid \t= \tx y \t;b=2", "sid").as_deref(),
            Some("x y")
        );
        // P2: segments without `=` are skipped, even before the pair
        assert_eq!(value("garbage; sid=x", "sid").as_deref(), Some("x"));
        assert_eq!(value("a;b;sid=x", "sid").as_deref(), Some("x"));
        assert_eq!(value(";;;", "sid"), None);
        // P3: first occurrence wins; names are case-sensitive and not decoded
        assert_eq!(value("sid=1; sid=2", "sid").as_deref(), Some("1"));
        assert_eq!(value("SID=1", "sid"), None);
        assert_eq!(value("s%69d=1", "sid"), None);
        // P4: one pair of quotes removed
        assert_eq!(value("sid=\"x\"", "sid").as_deref(), Some("x"));
        assert_eq!(value("sid=\"\"x\"\"", "sid").as_deref(), Some("\"x\""));
        assert_eq!(value("sid=\"", "sid").as_deref(), Some(""));
        // P5: decoded when it has `%`; kept raw when decoding fails
        assert_eq!(value("sid=a%20b", "sid").as_deref(), Some("a b"));
        assert_eq!(value("sid=%c3%a9", "sid").as_deref(), Some("é"));
        assert_eq!(value("sid=%zz", "sid").as_deref(), Some("%zz"));
        assert_eq!(value("sid=%C3", "sid").as_deref(), Some("%C3"));
        assert_eq!(value("sid=%ED%A0%80", "sid").as_deref(), Some("%ED%A0%80"));
        assert_eq!(value("sid=100%", "sid").as_deref(), Some("100%"));
        // values may contain `=`
        assert_eq!(value("sid=a=b", "sid").as_deref(), Some("a=b"));
        // P1: a line shorter than two characters has nothing
        assert_eq!(value("=", ""), None);
    }

    #[test]
    fn values_as_bytes_decode_like_find() {
        for line in [
            "sid=a%2Bb%3Bc%3D",
            "sid=a%2bb%3bc",
            "sid=plain+/=",
            "sid=%zz%2B",
            "sid=%C3%A9%2B",
            "sid=%C3%2B",
            "sid=100%",
            "sid=\"q%3B\"",
        ] {
            let map = headers(&[line.as_bytes()]);
            let text = find(&map, "sid").unwrap();
            let bytes = decode_bytes(find_raw(&map, "sid").unwrap());
            assert_eq!(bytes.as_ref(), text.as_bytes(), "{line}");
        }
        assert!(find_raw(&headers(&[b"a=1"]), "sid").is_none());
    }

    #[test]
    fn non_ascii_bytes_are_latin1() {
        let map = headers(&[b"sid=\xe9"]);
        assert_eq!(find(&map, "sid").as_deref(), Some("é"));
        let map = headers(&[b"sid=\xe9%41"]);
        assert_eq!(find(&map, "sid").as_deref(), Some("éA"));
    }

    #[test]
    fn repeated_lines_read_in_order() {
        let map = headers(&[b"a=1", b"sid=first", b"sid=second"]);
        assert_eq!(find(&map, "sid").as_deref(), Some("first"));
    }

    #[test]
    fn reads_signed_ids() {
        let s = signer();
        let id = |line: &str| {
            session_id(&headers(&[line.as_bytes()]), "connect.sid", &s).map(CookieId::into_id)
        };
        assert_eq!(
            id(&format!("connect.sid={APPLE}")).as_deref(),
            Some("apple")
        );
        // unencoded values work too (P5)
        let raw = "connect.sid=s:apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU";
        assert_eq!(id(raw).as_deref(), Some("apple"));
        // lower-case escapes are decoded (P5)
        let lower = APPLE.replace("%2F", "%2f").replace("%3A", "%3a");
        assert_eq!(
            id(&format!("connect.sid={lower}")).as_deref(),
            Some("apple")
        );
    }

    #[test]
    fn keeps_the_signature_of_the_first_secret() {
        let line = format!("connect.sid={APPLE}");
        let first = session_id(&headers(&[line.as_bytes()]), "connect.sid", &signer()).unwrap();
        assert_eq!(
            first.signature_of("apple").map(SignatureText::as_str),
            Some("D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU")
        );
        assert!(first.signature_of("pear").is_none());
        // verified by an older secret: the new one must sign again
        let rotated = Signer::new(&["new", "keyboard cat"]).unwrap();
        let old = session_id(&headers(&[line.as_bytes()]), "connect.sid", &rotated).unwrap();
        assert_eq!(old.id(), "apple");
        assert!(old.signature_of("apple").is_none());
    }

    #[test]
    fn hostile_values_give_no_id() {
        let s = signer();
        let id = |line: &str| {
            session_id(&headers(&[line.as_bytes()]), "connect.sid", &s).map(CookieId::into_id)
        };
        // P6: empty
        assert_eq!(id("connect.sid="), None);
        // P7: unsigned, or an upper-case prefix
        assert_eq!(id("connect.sid=apple"), None);
        assert_eq!(
            id(&format!(
                "connect.sid={}",
                APPLE.replacen("s%3A", "S%3A", 1)
            )),
            None
        );
        // P8: tampered or forged
        assert_eq!(
            id(&format!(
                "connect.sid={}",
                APPLE.replacen("apple", "apples", 1)
            )),
            None
        );
        assert_eq!(id("connect.sid=s%3Aapple"), None);
        assert_eq!(id("connect.sid=s%3Aapple.AAAA"), None);
        // invalid percent-encoding keeps the raw value, which is unsigned
        assert_eq!(id("connect.sid=s%3Aapple%zz"), None);
        // SG4: a validly signed empty id is no id
        let empty = format!("connect.sid=s:{}", s.sign(""));
        assert_eq!(id(&empty), None);
        // P3: the first duplicate wins even when it is invalid
        assert_eq!(id(&format!("connect.sid=bogus; connect.sid={APPLE}")), None);
        assert_eq!(
            id(&format!("connect.sid={APPLE}; connect.sid=bogus")).as_deref(),
            Some("apple")
        );
        // a huge value is simply not verified
        let huge = format!("connect.sid=s%3A{}.x", "a".repeat(64 * 1024));
        assert_eq!(id(&huge), None);
    }
}
