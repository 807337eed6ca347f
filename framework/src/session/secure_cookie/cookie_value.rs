//! A cookie value's two parts (spec §3, §4), `base64(tag + ciphertext)`
//! and `base64(nonce)` between `;`s: percent escapes undone, the parts
//! split and both decoded as leniently as Node does, in one buffer that
//! becomes the sealed bytes. The same as decoding the value as
//! `decodeURIComponent` does (`session/cookie_header.rs`), splitting it at
//! `;` and decoding each part, as `decodeSecureSession` does.

use super::base64;
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

/// Reads `text`; `ESCAPED` when its `%XX` are still to undo, `None` then
/// when one is not the escape of an ASCII character (`%2B`, `%3B`, ...),
/// as `cookie_header`'s one-pass decoding requires. The text is copied
/// once, escapes undone, and each part decoded in place in the copy, which
/// becomes the sealed bytes.
fn read_with<const ESCAPED: bool>(text: &[u8]) -> Option<Result<Parts, Rejected>> {
    let mut buffer = Vec::with_capacity(text.len());
    // Where the first two `;` are in the copy.
    let mut first = None;
    let mut second = None;
    let mut rest = text;
    loop {
        // Plain characters are copied a run at a time.
        let run = special_at(rest);
        buffer.extend_from_slice(&rest[..run]);
        let Some(&c) = rest.get(run) else {
            break;
        };
        rest = &rest[run + 1..];
        let c = match c {
            b'%' if ESCAPED => {
                let c = ascii_escape(rest.get(..2)?)?;
                rest = &rest[2..];
                c
            }
            c => c,
        };
        if c == b';' {
            if first.is_some() {
                // Anything after the second `;` is ignored, but an escape
                // there this reading cannot undo still changes what the
                // value is.
                if ESCAPED && !ascii_escapes_only(rest) {
                    return None;
                }
                second = Some(buffer.len());
                break;
            }
            first = Some(buffer.len());
        }
        buffer.push(c);
    }
    let len = buffer.len();
    let Some(first) = first else {
        return Some(Err(Rejected::Malformed));
    };
    let (sealed, after) = buffer.split_at_mut(first);
    let sealed_len = base64::decode_in_place(sealed);
    if sealed_len < TAG_BYTES {
        return Some(Err(Rejected::ShortCipher));
    }
    let nonce_text = &mut after[1..second.unwrap_or(len) - first];
    let nonce_len = base64::decode_in_place(nonce_text);
    let Ok(nonce) = nonce_text[..nonce_len].try_into() else {
        return Some(Err(Rejected::NonceLength));
    };
    buffer.truncate(sealed_len);
    Some(Ok(Parts {
        sealed: buffer,
        nonce,
    }))
}

/// Where the first `%` or `;` in `text` is (its length if none): eight
/// bytes at a time while none of them is one.
fn special_at(text: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    // Whether a byte of `word` is zero (the classic test: exact for "any").
    let has_zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS != 0;
    let mut at = 0;
    while let Some(chunk) = text[at..].first_chunk::<8>() {
        let word = u64::from_ne_bytes(*chunk);
        if has_zero(word ^ (ONES * u64::from(b'%'))) || has_zero(word ^ (ONES * u64::from(b';'))) {
            break;
        }
        at += 8;
    }
    text[at..]
        .iter()
        .position(|&b| b == b'%' || b == b';')
        .map_or(text.len(), |i| at + i)
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
    fn finds_the_first_escape_or_separator() {
        // Bytes next to `%` (0x25) and `;` (0x3B) and past ASCII, at every
        // offset of the eight-byte steps.
        let alphabet = [
            b'A', b'$', b'&', b'%', b':', b'<', b';', 0xA5, 0xBB, 0x00, 0xFF,
        ];
        for len in 0..20 {
            for special in 0..=len {
                for (k, &filler) in alphabet.iter().enumerate() {
                    let mut text: Vec<u8> = (0..len).map(|i| alphabet[(i * 7 + k) % 3]).collect();
                    if special < len {
                        text[special] = filler;
                    }
                    let expected = text
                        .iter()
                        .position(|&b| b == b'%' || b == b';')
                        .unwrap_or(text.len());
                    assert_eq!(special_at(&text), expected, "{text:?}");
                }
            }
        }
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
