//! Base64 as @fastify/secure-session reads and writes it (spec §3, §8):
//! written in the standard alphabet with padding, read as leniently as
//! Node's `Buffer.from(text, 'base64')`, which accepts both alphabets,
//! skips any other character, stops at the first `=` and ignores a lone
//! trailing character.

/// The six bits of a base64 character of either alphabet, or `None` for
/// a character Node skips.
fn sextet(c: u8) -> Option<u32> {
    let value = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Decodes `text` as Node does; never fails.
pub(crate) fn decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut group = 0u32;
    let mut filled = 0;
    for &c in text {
        if c == b'=' {
            break;
        }
        let Some(bits) = sextet(c) else { continue };
        group = group << 6 | bits;
        filled += 1;
        if filled == 4 {
            out.extend_from_slice(&[(group >> 16) as u8, (group >> 8) as u8, group as u8]);
            group = 0;
            filled = 0;
        }
    }
    // Two characters carry one byte, three carry two; one carries none.
    match filled {
        2 => out.push((group >> 4) as u8),
        3 => out.extend_from_slice(&[(group >> 10) as u8, (group >> 2) as u8]),
        _ => {}
    }
    out
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends standard padded base64 of `bytes` to `out`, percent-encoded as
/// `encodeURIComponent` encodes it (`+` `/` `=` become `%2B` `%2F` `%3D`).
pub(crate) fn encode_uri_component(bytes: &[u8], out: &mut String) {
    let mut push = |sextet: u32| match ALPHABET[(sextet & 63) as usize] {
        b'+' => out.push_str("%2B"),
        b'/' => out.push_str("%2F"),
        c => out.push(char::from(c)),
    };
    let mut chunks = bytes.chunks_exact(3);
    for chunk in &mut chunks {
        let group = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        push(group >> 18);
        push(group >> 12);
        push(group >> 6);
        push(group);
    }
    match *chunks.remainder() {
        [a] => {
            let group = u32::from(a) << 16;
            push(group >> 18);
            push(group >> 12);
            out.push_str("%3D%3D");
        }
        [a, b] => {
            let group = u32::from(a) << 16 | u32::from(b) << 8;
            push(group >> 18);
            push(group >> 12);
            push(group >> 6);
            out.push_str("%3D");
        }
        _ => {}
    }
}

/// The length [`encode_uri_component`] appends at most for `len` bytes.
pub(crate) fn encoded_len_max(len: usize) -> usize {
    len.div_ceil(3) * 4 * 3
}

#[cfg(test)]
mod tests {
    use ::base64::Engine as _;
    use ::base64::engine::general_purpose::STANDARD;

    use super::*;

    fn hex(text: &str) -> String {
        decode(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn decodes_like_node_buffer_from_base64() {
        // Each expectation is Node 20's `Buffer.from(text, 'base64')`.
        let cases = [
            ("QUJD", "414243"),
            ("QUJ", "4142"),
            ("QU", "41"),
            ("Q", ""),
            ("QUJD=QUJD", "414243"),
            ("QU=JD", "41"),
            ("Q!U@J#D", "414243"),
            ("QU JD", "414243"),
            ("-_-_", "fbffbf"),
            ("+/+/", "fbffbf"),
            ("QUJDRA", "41424344"),
            ("QUJDRA==", "41424344"),
            ("QUJDRA==QUJD", "41424344"),
            ("QUJDR===A", "414243"),
            ("QUJDR=A", "414243"),
            ("QQ=", "41"),
            ("Q=Q", ""),
            ("QUJDRQ=x", "41424345"),
            ("QUJ%", "4142"),
            ("QUJD.QUJD", "414243414243"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(hex(text), expected, "{text:?}");
        }
    }

    #[test]
    fn encodes_standard_padded_base64_escaped_like_encode_uri_component() {
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 250) as u8).collect();
            let mut out = String::new();
            encode_uri_component(&bytes, &mut out);
            let expected = STANDARD
                .encode(&bytes)
                .replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D");
            assert_eq!(out, expected);
            assert!(out.len() <= encoded_len_max(len));
            assert_eq!(decode(STANDARD.encode(&bytes).as_bytes()), bytes);
        }
    }
}
