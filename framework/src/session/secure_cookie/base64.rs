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

/// Each character's six bits placed for its position in a group of four
/// (`GROUP[0]` the first), [`NOT_IN_GROUP`] for any other character: a
/// group of four alphabet characters decodes with four lookups.
const GROUP: [[u32; 256]; 4] = {
    let mut tables = [[NOT_IN_GROUP; 256]; 4];
    let mut c = 0;
    while c < 256 {
        let bits = DECODE[c];
        if bits < 64 {
            let mut position = 0;
            while position < 4 {
                tables[position][c] = (bits as u32) << (18 - 6 * position);
                position += 1;
            }
        }
        c += 1;
    }
    tables
};
const NOT_IN_GROUP: u32 = 1 << 31;

/// Decodes `text` as Node does; never fails.
pub(crate) fn decode(text: &[u8]) -> Vec<u8> {
    let mut bytes = text.to_vec();
    let len = decode_in_place(&mut bytes);
    bytes.truncate(len);
    bytes
}

/// Decodes `buffer`'s text as Node does into its own first bytes (the
/// bytes never outrun the characters they come from) and returns how many
/// there are.
pub(crate) fn decode_in_place(buffer: &mut [u8]) -> usize {
    let mut read = 0;
    let mut written = 0;
    // Groups of four alphabet characters, nearly all of a cookie's text.
    while let Some(&[a, b, c, d]) = buffer.get(read..read + 4) {
        let group = GROUP[0][usize::from(a)]
            | GROUP[1][usize::from(b)]
            | GROUP[2][usize::from(c)]
            | GROUP[3][usize::from(d)];
        if group & NOT_IN_GROUP != 0 {
            break;
        }
        buffer[written..written + 3].copy_from_slice(&group.to_be_bytes()[1..]);
        read += 4;
        written += 3;
    }
    // The rest (padding, other characters) one character at a time.
    let mut group = 0u32;
    let mut filled = 0;
    for i in read..buffer.len() {
        let bits = DECODE[usize::from(buffer[i])];
        if bits >= END {
            if bits == END {
                break;
            }
            continue;
        }
        group = group << 6 | u32::from(bits);
        filled += 1;
        if filled == 4 {
            buffer[written..written + 3].copy_from_slice(&group.to_be_bytes()[1..]);
            written += 3;
            group = 0;
            filled = 0;
        }
    }
    // Two characters carry one byte, three carry two; one carries none.
    match filled {
        2 => {
            buffer[written] = (group >> 4) as u8;
            written + 1
        }
        3 => {
            buffer[written..written + 2]
                .copy_from_slice(&[(group >> 10) as u8, (group >> 2) as u8]);
            written + 2
        }
        _ => written,
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Each sextet's text in a cookie value: its character, or the escape of
/// `+` and `/`, in three bytes, and how many of them count.
const ESCAPED: [([u8; 3], usize); 64] = {
    let mut table = [([0; 3], 1); 64];
    let mut i = 0;
    while i < 62 {
        table[i].0[0] = ALPHABET[i];
        i += 1;
    }
    table[62] = (*b"%2B", 3);
    table[63] = (*b"%2F", 3);
    table
};

/// Appends standard padded base64 of `bytes` to `out`, percent-encoded as
/// `encodeURIComponent` encodes it (`+` `/` `=` become `%2B` `%2F` `%3D`).
pub(crate) fn encode_uri_component(bytes: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + encoded_len_max(bytes.len()), 0);
    let text = &mut out[start..];
    // Every character is written as three bytes, of which only an escape
    // keeps all: no branch on the (random) characters.
    let mut len = 0;
    let write_char = |slot: &mut [u8], at: usize, sextet: u32| {
        let (escaped, width) = ESCAPED[(sextet & 63) as usize];
        slot[at..at + 3].copy_from_slice(&escaped);
        at + width
    };
    let mut chunks = bytes.chunks_exact(3);
    for chunk in &mut chunks {
        let group = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        // The room of a whole group's text, checked once.
        let Some(slot) = text.get_mut(len..len + 12) else {
            break;
        };
        let mut at = write_char(slot, 0, group >> 18);
        at = write_char(slot, at, group >> 12);
        at = write_char(slot, at, group >> 6);
        len += write_char(slot, at, group);
    }
    let mut put = |sextet: u32| {
        if let Some(slot) = text.get_mut(len..len + 3) {
            len += write_char(slot, 0, sextet);
        }
    };
    let padding: &[u8] = match *chunks.remainder() {
        [a] => {
            let group = u32::from(a) << 16;
            put(group >> 18);
            put(group >> 12);
            b"%3D%3D"
        }
        [a, b] => {
            let group = u32::from(a) << 16 | u32::from(b) << 8;
            put(group >> 18);
            put(group >> 12);
            put(group >> 6);
            b"%3D"
        }
        _ => b"",
    };
    out.truncate(start + len);
    out.extend_from_slice(padding);
}

/// The room [`encode_uri_component`] takes at most for `len` bytes: three
/// bytes for every character (an escape), and two more while it writes.
pub(crate) fn encoded_len_max(len: usize) -> usize {
    len.div_ceil(3) * 4 * 3 + 2
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
            // After a run of whole groups, the same.
            let text = format!("QUJD{text}");
            assert_eq!(hex(&text), format!("414243{expected}"), "{text:?}");
        }
    }

    #[test]
    fn encodes_standard_padded_base64_escaped_like_encode_uri_component() {
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 250) as u8).collect();
            // Appended after what the buffer holds.
            let mut out = b"name=".to_vec();
            encode_uri_component(&bytes, &mut out);
            let out = String::from_utf8(out).unwrap();
            let expected = STANDARD
                .encode(&bytes)
                .replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D");
            assert_eq!(out, format!("name={expected}"));
            assert!(expected.len() <= encoded_len_max(len));
            assert_eq!(decode(STANDARD.encode(&bytes).as_bytes()), bytes);
        }
    }

    #[test]
    fn encodes_text_that_is_all_escapes() {
        // 0xFB 0xEF 0xBE is "++++", 0xFF 0xFF 0xFF is "////": every
        // character widens to three bytes, the most the room allows.
        for (group, escape) in [([0xFB, 0xEF, 0xBE], "%2B"), ([0xFF; 3], "%2F")] {
            for groups in [1, 2, 30] {
                for extra in 0..3 {
                    let mut bytes = group.repeat(groups);
                    bytes.extend_from_slice(&group[..extra]);
                    let mut out = b"x".to_vec();
                    encode_uri_component(&bytes, &mut out);
                    let expected = STANDARD
                        .encode(&bytes)
                        .replace('+', "%2B")
                        .replace('/', "%2F")
                        .replace('=', "%3D");
                    assert!(expected.starts_with(&escape.repeat(4 * groups)));
                    assert!(expected.len() <= encoded_len_max(bytes.len()));
                    assert_eq!(String::from_utf8(out).unwrap(), format!("x{expected}"));
                }
            }
        }
    }
}
