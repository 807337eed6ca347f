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
    let mut decoder = Decoder::for_text(text.len());
    for &c in text {
        decoder.push(c);
    }
    decoder.end_part();
    decoder.into_bytes()
}

/// Node's decoding loop, fed one character at a time: what a reader that
/// finds the text's end itself uses (`cookie_value.rs`, which also undoes
/// escapes in the same pass). Its output is sized for the text up front,
/// so the loop writes without growing a vector.
pub(crate) struct Decoder {
    out: Vec<u8>,
    /// How many bytes of `out` are decoded.
    len: usize,
    /// The sextets of the group being read, `filled` of them.
    group: u32,
    filled: u32,
    /// Whether a `=` was seen: Node stops there.
    ended: bool,
}

impl Decoder {
    /// A decoder for a text of at most `len` characters.
    pub(crate) fn for_text(len: usize) -> Decoder {
        Decoder {
            // Every four characters give three bytes at most, and fewer
            // give fewer; each group is written three bytes whole, so the
            // last one of a text needs room past its bytes.
            out: vec![0; len / 4 * 3 + 8],
            len: 0,
            group: 0,
            filled: 0,
            ended: false,
        }
    }

    /// Reads one character.
    #[inline]
    pub(crate) fn push(&mut self, c: u8) {
        let bits = DECODE[usize::from(c)];
        if bits >= END {
            self.ended |= bits == END;
            return;
        }
        if self.ended {
            return;
        }
        self.group = self.group << 6 | u32::from(bits);
        self.filled += 1;
        if self.filled == 4 {
            self.emit(self.group);
            self.group = 0;
            self.filled = 0;
        }
    }

    /// Reads four characters at once when they are all base64 and start a
    /// group; `false` (nothing read) otherwise. The fast path of a reader:
    /// nearly every group of a cookie value is four plain characters.
    #[inline]
    pub(crate) fn push_group(&mut self, chars: [u8; 4]) -> bool {
        let [a, b, c, d] = chars.map(|c| DECODE[usize::from(c)]);
        if self.filled != 0 || self.ended || (a | b | c | d) >= 64 {
            return false;
        }
        self.emit(u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d));
        true
    }

    #[inline]
    fn emit(&mut self, group: u32) {
        if let Some(slot) = self.out.get_mut(self.len..self.len + 3) {
            slot.copy_from_slice(&[(group >> 16) as u8, (group >> 8) as u8, group as u8]);
            self.len += 3;
        }
    }

    /// The end of a text: two characters left carry one byte, three carry
    /// two; one carries none. The decoder then reads a new text, whose
    /// bytes follow.
    pub(crate) fn end_part(&mut self) {
        let bytes = match self.filled {
            2 => 1,
            3 => 2,
            _ => 0,
        };
        let group = self.group << (6 * (4 - self.filled));
        if bytes > 0 {
            self.emit(group);
            self.len -= 3 - bytes;
        }
        self.group = 0;
        self.filled = 0;
        self.ended = false;
    }

    /// How many bytes are decoded so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The decoded bytes.
    pub(crate) fn into_bytes(mut self) -> Vec<u8> {
        self.out.truncate(self.len);
        self.out
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
    let mut put = |sextet: u32| {
        let (escaped, width) = ESCAPED[(sextet & 63) as usize];
        if let Some(slot) = text.get_mut(len..len + 3) {
            slot.copy_from_slice(&escaped);
            len += width;
        }
    };
    let mut chunks = bytes.chunks_exact(3);
    for chunk in &mut chunks {
        let group = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        put(group >> 18);
        put(group >> 12);
        put(group >> 6);
        put(group);
    }
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
            // Fed by groups where it can, the decoder reads the same.
            let mut decoder = Decoder::for_text(text.len());
            let mut rest = text.as_bytes();
            while !rest.is_empty() {
                if let Some(group) = rest.first_chunk::<4>()
                    && decoder.push_group(*group)
                {
                    rest = &rest[4..];
                } else {
                    decoder.push(rest[0]);
                    rest = &rest[1..];
                }
            }
            decoder.end_part();
            assert_eq!(decoder.into_bytes(), decode(text.as_bytes()), "{text:?}");
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
}
