//! Base64 as @fastify/secure-session reads and writes it (spec §3, §8):
//! written in the standard alphabet with padding, read as leniently as
//! Node's `Buffer.from(text, 'base64')`, which accepts both alphabets,
//! skips any other character, stops at the first `=` and ignores a lone
//! trailing character.

/// What each byte means to Node's decoder: its six bits, [`SKIP`] for a
/// character it ignores, [`END`] for `=`.
const DECODE: [u8; 256] = {
    let mut table = [SKIP; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table[b'-' as usize] = 62;
    table[b'_' as usize] = 63;
    table[b'=' as usize] = END;
    table
};
const SKIP: u8 = 0xFF;
const END: u8 = 0xFE;

/// Decodes `text` as Node does; never fails.
pub(crate) fn decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    decode_with(text, |bytes| out.extend_from_slice(bytes));
    out
}

/// Decodes `text` as Node does into exactly `N` bytes; `None` when it
/// decodes to any other length.
pub(crate) fn decode_exact<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    let mut out = [0; N];
    let mut len = 0;
    let mut fits = true;
    decode_with(text, |bytes| match out.get_mut(len..len + bytes.len()) {
        Some(slot) if fits => {
            slot.copy_from_slice(bytes);
            len += bytes.len();
        }
        _ => fits = false,
    });
    (fits && len == N).then_some(out)
}

/// Node's decoding loop, handing each group's bytes to `emit`.
fn decode_with(text: &[u8], mut emit: impl FnMut(&[u8])) {
    let mut group = 0u32;
    let mut filled = 0;
    for &c in text {
        let bits = DECODE[usize::from(c)];
        if bits >= END {
            if bits == END {
                break;
            }
            continue;
        }
        group = group << 6 | u32::from(bits);
        filled += 1;
        if filled == 4 {
            emit(&[(group >> 16) as u8, (group >> 8) as u8, group as u8]);
            group = 0;
            filled = 0;
        }
    }
    // Two characters carry one byte, three carry two; one carries none.
    match filled {
        2 => emit(&[(group >> 4) as u8]),
        3 => emit(&[(group >> 10) as u8, (group >> 2) as u8]),
        _ => {}
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends standard padded base64 of `bytes` to `out`, percent-encoded as
/// `encodeURIComponent` encodes it (`+` `/` `=` become `%2B` `%2F` `%3D`).
pub(crate) fn encode_uri_component(bytes: &[u8], out: &mut Vec<u8>) {
    let mut push = |sextet: u32| match ALPHABET[(sextet & 63) as usize] {
        b'+' => out.extend_from_slice(b"%2B"),
        b'/' => out.extend_from_slice(b"%2F"),
        c => out.push(c),
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
            out.extend_from_slice(b"%3D%3D");
        }
        [a, b] => {
            let group = u32::from(a) << 16 | u32::from(b) << 8;
            push(group >> 18);
            push(group >> 12);
            push(group >> 6);
            out.extend_from_slice(b"%3D");
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
            let exact = decode_exact::<3>(text.as_bytes());
            assert_eq!(exact.is_some(), expected.len() == 6, "{text:?}");
        }
        assert_eq!(decode_exact::<2>(b"QUJD"), None);
        assert_eq!(decode_exact::<4>(b"QUJD"), None);
    }

    #[test]
    fn encodes_standard_padded_base64_escaped_like_encode_uri_component() {
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 250) as u8).collect();
            let mut out = Vec::new();
            encode_uri_component(&bytes, &mut out);
            let out = String::from_utf8(out).unwrap();
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
