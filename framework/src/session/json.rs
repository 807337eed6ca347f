//! JSON text exactly as JavaScript's `JSON.stringify` writes it.
//!
//! express-session stores `JSON.stringify(session)` and decides whether a
//! session changed by hashing that text (spec §7.1 H1, §8). serde_json
//! already writes strings, `null`, booleans and integers the same way;
//! only non-integral or huge numbers differ (`1.0` is `1` in JavaScript,
//! `1e21` is `1e+21`), so [`JsFormatter`] writes floats with
//! `Number.prototype.toString`'s rules.

use std::fmt::Write as _;
use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// A serde_json formatter that writes numbers as JavaScript does.
#[derive(Clone, Copy, Default)]
pub(crate) struct JsFormatter;

impl Formatter for JsFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        write_js_number(writer, value)
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        write_js_number(writer, f64::from(value))
    }
}

/// Writes `value` as JSON text with [`JsFormatter`].
pub(crate) fn write<W: io::Write, T: Serialize + ?Sized>(writer: W, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, JsFormatter);
    value.serialize(&mut serializer).map_err(io::Error::other)
}

/// Feeds JSON text into a hasher without building it: modification
/// detection only needs equality of the text (H1), not the text itself.
///
/// The text is hashed in fixed blocks of [`HASH_BLOCK`] bytes, each folded
/// into the running hash with foldhash, so the hash depends only on the
/// bytes, however they are split into writes (the serializer writes a
/// member in several pieces). Collisions only matter as a missed save of a
/// change that happens to hash like the loaded text; the hash is 64 bits,
/// as SipHash's with `DefaultHasher`'s fixed keys was, at a fraction of its
/// cost for short texts.
pub(crate) struct HashWriter {
    block: [u8; HASH_BLOCK],
    len: usize,
    state: u64,
}

/// Bytes hashed at once by [`HashWriter`].
const HASH_BLOCK: usize = 128;

impl HashWriter {
    pub(crate) fn new() -> Self {
        HashWriter {
            block: [0; HASH_BLOCK],
            len: 0,
            state: 0,
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        fold(self.state, &self.block[..self.len])
    }
}

/// The running hash `state` with `bytes` folded in.
fn fold(state: u64, bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(state).hash_one(bytes)
}

impl io::Write for HashWriter {
    fn write(&mut self, mut bytes: &[u8]) -> io::Result<usize> {
        let written = bytes.len();
        while !bytes.is_empty() {
            let take = bytes.len().min(HASH_BLOCK - self.len);
            self.block[self.len..self.len + take].copy_from_slice(&bytes[..take]);
            self.len += take;
            bytes = &bytes[take..];
            if self.len == HASH_BLOCK {
                self.state = fold(self.state, &self.block);
                self.len = 0;
            }
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// ECMAScript's Number::toString(10) for a finite number (serde_json writes
/// `null` for NaN and infinities itself, as `JSON.stringify` does).
fn write_js_number<W: ?Sized + io::Write>(writer: &mut W, value: f64) -> io::Result<()> {
    if value == 0.0 {
        return writer.write_all(b"0"); // also -0
    }
    if value < 0.0 {
        writer.write_all(b"-")?;
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as
    // JavaScript's algorithm requires: `d[.ddd]e<exp>`.
    let mut sci = Inline::default();
    write!(sci, "{:e}", value.abs()).map_err(io::Error::other)?;
    let sci = sci.as_bytes();
    let e_at = sci.iter().position(|&b| b == b'e').unwrap_or(sci.len());
    let exponent: i32 = std::str::from_utf8(&sci[e_at + 1..])
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let mut digits = Inline::default();
    for &b in &sci[..e_at] {
        if b != b'.' {
            digits.push(b);
        }
    }
    let digits = digits.as_bytes();
    // The value is 0.d1d2...dk × 10^n in ECMAScript's terms.
    let k = digits.len() as i32;
    let n = exponent + 1;
    if k <= n && n <= 21 {
        writer.write_all(digits)?;
        for _ in 0..n - k {
            writer.write_all(b"0")?;
        }
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        writer.write_all(int)?;
        writer.write_all(b".")?;
        writer.write_all(frac)?;
    } else if -6 < n && n <= 0 {
        writer.write_all(b"0.")?;
        for _ in 0..-n {
            writer.write_all(b"0")?;
        }
        writer.write_all(digits)?;
    } else {
        writer.write_all(&digits[..1])?;
        if k > 1 {
            writer.write_all(b".")?;
            writer.write_all(&digits[1..])?;
        }
        let sign = if n - 1 < 0 { "-" } else { "+" };
        write!(writer, "e{sign}{}", (n - 1).abs())?;
    }
    Ok(())
}

/// A small inline text buffer (the longest `{:e}` of an f64 is 23 bytes).
#[derive(Default)]
struct Inline {
    bytes: [u8; 32],
    len: usize,
}

impl Inline {
    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl std::fmt::Write for Inline {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_as_javascript_writes_them() {
        // Expected texts from Node: `JSON.stringify(x)`.
        let cases: [(f64, &str); 16] = [
            (1.0, "1"),
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (123456789012345680000.0, "123456789012345680000"),
            (18446744073709552000.0, "18446744073709552000"),
            (-0.0, "0"),
            (0.1, "0.1"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (100.0, "100"),
            (1e20, "100000000000000000000"),
            (123.456e-10, "1.23456e-8"),
            (-2.5, "-2.5"),
            (9007199254740994.0, "9007199254740994"),
        ];
        for (value, expected) in cases {
            assert_eq!(text(&json!(value)), expected, "{value:e}");
        }
    }

    #[test]
    fn everything_else_is_serde_json_text() {
        let value = json!({"b": [1, -2, true, null], "a": "é\"\\\n\u{1f}\u{7f}/", "n": u64::MAX});
        assert_eq!(
            text(&value),
            "{\"b\":[1,-2,true,null],\"a\":\"é\\\"\\\\\\n\\u001f\u{7f}/\",\"n\":18446744073709551615}"
        );
    }

    #[test]
    fn hash_writer_hashes_the_text() {
        let hash = |v: &serde_json::Value| {
            let mut h = HashWriter::new();
            write(&mut h, v).unwrap();
            h.finish()
        };
        assert_eq!(hash(&json!({"a": 1})), hash(&json!({"a": 1.0})));
        assert_ne!(hash(&json!({"a": 1})), hash(&json!({"a": "1"})));
        assert_ne!(
            hash(&json!({"a": 1, "b": 2})),
            hash(&json!({"b": 2, "a": 1}))
        );
    }

    #[test]
    fn hash_writer_hashes_bytes_however_they_are_split() {
        use std::io::Write as _;
        let text: Vec<u8> = (0..700u32).map(|i| (i % 251) as u8).collect();
        let whole = {
            let mut h = HashWriter::new();
            h.write_all(&text).unwrap();
            h.finish()
        };
        for piece in [1, 7, 127, 128, 129, 300] {
            let mut h = HashWriter::new();
            for chunk in text.chunks(piece) {
                h.write_all(chunk).unwrap();
            }
            assert_eq!(h.finish(), whole, "pieces of {piece}");
        }
        // Every byte counts, in every block.
        for at in [0, 127, 128, 699] {
            let mut changed = text.clone();
            changed[at] ^= 1;
            let mut h = HashWriter::new();
            h.write_all(&changed).unwrap();
            assert_ne!(h.finish(), whole, "byte {at}");
        }
        let mut shorter = HashWriter::new();
        shorter.write_all(&text[..699]).unwrap();
        assert_ne!(shorter.finish(), whole);
    }
}
