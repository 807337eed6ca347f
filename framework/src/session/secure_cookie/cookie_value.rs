//! A cookie value's two parts (spec §3, §4), `base64(tag + ciphertext)`
//! and `base64(nonce)` between `;`s, read in one pass: percent escapes
//! undone, the parts split and both decoded as leniently as Node does,
//! with no intermediate string. The same as decoding the value as
//! `decodeURIComponent` does (`session/cookie_header.rs`), splitting it at
//! `;` and decoding each part, as `decodeSecureSession` does.

use super::base64::Decoder;
use super::codec::{NONCE_BYTES, Rejected, TAG_BYTES};
use crate::session::cookie_header;

/// The decoded parts of a cookie value.
#[derive(Debug)]
pub(crate) struct Parts {
    /// The first part's bytes: the tag, then the ciphertext.
    pub(crate) sealed: Vec<u8>,
    pub(crate) nonce: [u8; NONCE_BYTES],
}

/// Reads a cookie value as the header has it, percent escapes and all.
pub(crate) fn read(raw: &[u8]) -> Result<Parts, Rejected> {
    match read_with::<true>(raw) {
        Some(parts) => parts,
        // An escape of a character past ASCII (or not an escape): only the
        // full `decodeURIComponent` can say what the value is. Without
        // escapes left to undo, the pass never gives up.
        None => read_with::<false>(&cookie_header::decode_bytes(raw))
            .unwrap_or(Err(Rejected::Malformed)),
    }
}

/// The one pass over `text`; `ESCAPED` when its `%XX` are still to undo,
/// `None` then when one is not the escape of an ASCII character (`%2B`,
/// `%3B`, ...), as `cookie_header`'s one-pass decoding requires.
fn read_with<const ESCAPED: bool>(text: &[u8]) -> Option<Result<Parts, Rejected>> {
    let mut decoder = Decoder::for_text(text.len());
    // Where the first part's bytes end, once its `;` is read.
    let mut sealed_len = None;
    let mut i = 0;
    while i < text.len() {
        if let Some(group) = text[i..].first_chunk::<4>()
            && decoder.push_group(*group)
        {
            i += 4;
            continue;
        }
        let mut c = text[i];
        i += 1;
        if ESCAPED && c == b'%' {
            c = ascii_escape(text.get(i..i + 2)?)?;
            i += 2;
        }
        if c != b';' {
            decoder.push(c);
            continue;
        }
        decoder.end_part();
        if sealed_len.is_some() {
            // Anything after the second `;` is ignored, but an escape there
            // the pass cannot read still changes what the value is.
            if ESCAPED && !ascii_escapes_only(&text[i..]) {
                return None;
            }
            return Some(parts(decoder, sealed_len));
        }
        sealed_len = Some(decoder.len());
    }
    decoder.end_part();
    Some(parts(decoder, sealed_len))
}

/// Checks the decoded bytes in `decodeSecureSession`'s order.
fn parts(decoder: Decoder, sealed_len: Option<usize>) -> Result<Parts, Rejected> {
    let sealed_len = sealed_len.ok_or(Rejected::Malformed)?;
    if sealed_len < TAG_BYTES {
        return Err(Rejected::ShortCipher);
    }
    let mut sealed = decoder.into_bytes();
    let nonce = sealed[sealed_len..]
        .try_into()
        .map_err(|_| Rejected::NonceLength)?;
    sealed.truncate(sealed_len);
    Ok(Parts { sealed, nonce })
}

/// The character of an escape's two hex digits, if it is ASCII.
fn ascii_escape(digits: &[u8]) -> Option<u8> {
    let digit = |c: &u8| char::from(*c).to_digit(16);
    let byte = digit(digits.first()?)? << 4 | digit(digits.get(1)?)?;
    u8::try_from(byte).ok().filter(u8::is_ascii)
}

/// Whether every `%` in `text` starts an escape of an ASCII character.
fn ascii_escapes_only(mut text: &[u8]) -> bool {
    while let Some(at) = text.iter().position(|&b| b == b'%') {
        if text.get(at + 1..at + 3).and_then(ascii_escape).is_none() {
            return false;
        }
        text = &text[at + 3..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::secure_cookie::base64;

    /// The plain reading: decode the whole value as `decodeURIComponent`,
    /// split it, decode each part.
    fn decoded_then_split(raw: &str) -> Result<(Vec<u8>, Vec<u8>), Rejected> {
        let value = cookie_header::decode_bytes(raw.as_bytes());
        let mut parts = value.split(|&b| b == b';');
        let sealed = base64::decode(parts.next().unwrap_or_default());
        let nonce = base64::decode(parts.next().ok_or(Rejected::Malformed)?);
        if sealed.len() < TAG_BYTES {
            return Err(Rejected::ShortCipher);
        }
        if nonce.len() != NONCE_BYTES {
            return Err(Rejected::NonceLength);
        }
        Ok((sealed, nonce))
    }

    fn parts_of(raw: &str) -> Result<(Vec<u8>, Vec<u8>), Rejected> {
        let parts = read(raw.as_bytes())?;
        Ok((parts.sealed, parts.nonce.to_vec()))
    }

    #[test]
    fn reads_as_decoding_then_splitting_does() {
        let sealed = "hEN4JXCSezhrVuGWDRqNYPdoZoVaIxDWJgwwxIhr6iYTv7QDY3%2F%2B7bgW3D7XuQ%3D%3D";
        let nonce = "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ";
        let cases = [
            format!("{sealed}%3B{nonce}"),
            format!("{sealed};{nonce}"),
            format!("{sealed}%3b{nonce}"),
            format!("{sealed}%3B{nonce}%3Bextra%3Bparts"),
            format!("{sealed}%3B{nonce}%3Bbad%zz"),
            format!("{sealed}%3B{nonce}%3B%C3%A9"),
            format!("{sealed}%3B{nonce}%3B%C3"),
            format!("{sealed}%3B{nonce}%"),
            format!("%C3%A9{sealed}%3B{nonce}"),
            format!("{sealed}%3B%3D{nonce}"),
            format!("{sealed}%3B{nonce}%3D"),
            format!("{sealed}%25%3B{nonce}"),
            format!("{sealed} %3B!{nonce}"),
            format!("{}%3B{nonce}", &sealed[..20]),
            format!("{sealed}%3B{}", &nonce[..31]),
            format!("{sealed}%3B{nonce}AAAA"),
            format!("{sealed}%3B"),
            sealed.to_owned(),
            format!("{nonce}%3B{sealed}"),
            "%3B".to_owned(),
            String::new(),
            "%".to_owned(),
            "%3".to_owned(),
            "A%3BA%3B%".to_owned(),
            format!(
                "{}%3B{nonce}",
                sealed.replace("%2F", "_").replace("%2B", "-")
            ),
            format!("{sealed}%3B{}", nonce.replace('C', "C\u{e9}")),
        ];
        for raw in cases {
            assert_eq!(parts_of(&raw), decoded_then_split(&raw), "{raw:?}");
        }
        // Which of them the pass reads without the full decoding.
        assert!(read_with::<true>(format!("{sealed}%3B{nonce}").as_bytes()).is_some());
        assert!(read_with::<true>(format!("{sealed}%3B{nonce}%3Bx%C3%A9").as_bytes()).is_none());
    }

    #[test]
    fn values_as_written_read_back() {
        for len in 0..80 {
            let sealed: Vec<u8> = (0..len).map(|i| (i * 67 + 251) as u8).collect();
            let nonce: [u8; NONCE_BYTES] = std::array::from_fn(|i| (i * 29 + len) as u8);
            let mut raw = Vec::new();
            base64::encode_uri_component(&sealed, &mut raw);
            raw.extend_from_slice(b"%3B");
            base64::encode_uri_component(&nonce, &mut raw);
            let raw = String::from_utf8(raw).unwrap();
            assert_eq!(parts_of(&raw), decoded_then_split(&raw), "{raw:?}");
            if len >= TAG_BYTES {
                assert_eq!(parts_of(&raw), Ok((sealed, nonce.to_vec())));
            }
        }
    }

    #[test]
    fn escapes_and_separators_anywhere_read_as_decoding_then_splitting_does() {
        // Escapes and separators at every offset, so each one meets the
        // group fast path at every alignment.
        let base = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo";
        for at in 0..base.len() {
            for insert in ["%3B", ";", "%2B", "%3D", "=", "%25", " ", "%C3%A9", "AB;"] {
                let raw = format!("{}{insert}{}", &base[..at], &base[at..]);
                for raw in [
                    raw.clone(),
                    format!("{raw};{base}"),
                    format!("{base};{raw}"),
                ] {
                    assert_eq!(parts_of(&raw), decoded_then_split(&raw), "{raw:?}");
                }
            }
        }
        // Short parts at every length around each other.
        for a in 0..9 {
            for b in 0..9 {
                for c in 0..9 {
                    let raw = format!("{};{};{}", &base[..a], &base[..b], &base[..c]);
                    assert_eq!(parts_of(&raw), decoded_then_split(&raw), "{raw:?}");
                    let raw = raw.replace(';', "%3B");
                    assert_eq!(parts_of(&raw), decoded_then_split(&raw), "{raw:?}");
                }
            }
        }
    }
}
