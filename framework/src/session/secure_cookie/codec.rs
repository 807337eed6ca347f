//! The cookie's value (spec §3, §4, §7): libsodium's
//! `crypto_secretbox_easy` (XSalsa20-Poly1305, the 16-byte tag before the
//! ciphertext) of the JSON payload under the first key, written as
//! `base64(tag + ciphertext) ; base64(nonce)`, percent-encoded like
//! `encodeURIComponent`. Reading tries every key in order.

use crypto_secretbox::aead::AeadInPlace;
use crypto_secretbox::{Nonce, Tag, XSalsa20Poly1305};

use super::base64;
use super::cookie_value::{self, Parts};

/// `crypto_secretbox_NONCEBYTES`.
pub(crate) const NONCE_BYTES: usize = 24;

/// `crypto_secretbox_MACBYTES`: the tag before the ciphertext.
pub(crate) const TAG_BYTES: usize = 16;

/// The ciphers of the configured keys, in order: the first encrypts, all
/// decrypt.
pub(crate) struct KeyRing {
    ciphers: Vec<XSalsa20Poly1305>,
}

/// A cookie value that authenticated under one of the keys.
#[derive(Debug)]
pub(crate) struct Opened {
    /// The tag's bytes followed by the plaintext.
    buffer: Vec<u8>,
    /// Which key opened it: anything but 0 means the cookie must be
    /// re-encrypted under the first key (spec §7).
    pub(crate) key_index: usize,
}

impl Opened {
    /// The decrypted payload.
    pub(crate) fn plaintext(&self) -> &[u8] {
        &self.buffer[TAG_BYTES..]
    }
}

/// Why a cookie value gave no session; every case is a fresh empty
/// session (spec §4), logged at debug with this text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// No `;` between ciphertext and nonce.
    Malformed,
    /// Fewer bytes than a tag.
    ShortCipher,
    /// A nonce that is not 24 bytes.
    NonceLength,
    /// No key authenticates it: tampered, or another key's.
    Unauthenticated,
}

impl Rejected {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Rejected::Malformed => "the cookie is malformed",
            Rejected::ShortCipher => "the cipher is not long enough",
            Rejected::NonceLength => "the nonce does not have the required length",
            Rejected::Unauthenticated => "no key decrypts the cookie",
        }
    }
}

impl KeyRing {
    /// The ring of `ciphers`, the first encrypting; at least one.
    pub(crate) fn new(ciphers: Vec<XSalsa20Poly1305>) -> KeyRing {
        debug_assert!(!ciphers.is_empty());
        KeyRing { ciphers }
    }

    /// How many keys decrypt.
    pub(crate) fn len(&self) -> usize {
        self.ciphers.len()
    }

    /// Encrypts `buffer[TAG_BYTES..]` in place under the first key and
    /// `nonce`, writes the tag into `buffer[..TAG_BYTES]`, and appends the
    /// cookie value, percent-encoded, to `out`.
    pub(crate) fn seal_into(
        &self,
        buffer: &mut [u8],
        nonce: &[u8; NONCE_BYTES],
        out: &mut Vec<u8>,
    ) {
        let (tag_slot, body) = buffer.split_at_mut(TAG_BYTES);
        // Without associated data this cannot fail.
        if let Ok(tag) =
            self.ciphers[0].encrypt_in_place_detached(Nonce::from_slice(nonce), b"", body)
        {
            tag_slot.copy_from_slice(&tag);
        }
        base64::encode_uri_component(buffer, out);
        out.extend_from_slice(b"%3B");
        base64::encode_uri_component(nonce, out);
    }

    /// Opens a cookie value as the header has it, as
    /// `decodeSecureSession` opens the percent-decoded value: parts after
    /// the second `;` are ignored, both parts are read as leniently as Node
    /// reads base64 (`cookie_value.rs`), and the keys are tried in order.
    pub(crate) fn open(&self, raw: &[u8]) -> Result<Opened, Rejected> {
        let Parts { mut sealed, nonce } = cookie_value::read(raw)?;
        let nonce = Nonce::from_slice(&nonce);
        let (tag, body) = sealed.split_at_mut(TAG_BYTES);
        let tag = Tag::clone_from_slice(tag);
        // A failed attempt leaves `body` as it was: the tag is checked
        // before anything is decrypted.
        let key_index = self
            .ciphers
            .iter()
            .position(|cipher| {
                cipher
                    .decrypt_in_place_detached(nonce, b"", body, &tag)
                    .is_ok()
            })
            .ok_or(Rejected::Unauthenticated)?;
        Ok(Opened {
            buffer: sealed,
            key_index,
        })
    }
}

#[cfg(test)]
mod tests {
    use crypto_secretbox::KeyInit;

    use super::*;

    fn ring(keys: &[[u8; 32]]) -> KeyRing {
        KeyRing::new(
            keys.iter()
                .map(|k| XSalsa20Poly1305::new(k.into()))
                .collect(),
        )
    }

    fn seal(ring: &KeyRing, plaintext: &[u8], nonce: &[u8; NONCE_BYTES]) -> String {
        let mut buffer = vec![0; TAG_BYTES];
        buffer.extend_from_slice(plaintext);
        let mut out = Vec::new();
        ring.seal_into(&mut buffer, nonce, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// Spec §8's secretbox vector, as libsodium wrote it.
    const VECTOR: &str = "hEN4JXCSezhrVuGWDRqNYPdoZoVaIxDWJgwwxIhr6iYTv7QDY3/+7bgW3D7XuQ==;CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ";
    const PLAINTEXT: &[u8] = br#"{"user":"x","__ts":1700000000}"#;

    #[test]
    fn seals_the_spec_vector_byte_for_byte() {
        let value = seal(&ring(&[[7; 32]]), PLAINTEXT, &[9; NONCE_BYTES]);
        let encoded = VECTOR
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
            .replace(';', "%3B");
        assert_eq!(value, encoded);
    }

    #[test]
    fn opens_the_spec_vector() {
        let opened = ring(&[[7; 32]]).open(VECTOR.as_bytes()).unwrap();
        assert_eq!(opened.plaintext(), PLAINTEXT);
        assert_eq!(opened.key_index, 0);
    }

    #[test]
    fn tries_every_key_in_order() {
        let opened = ring(&[[1; 32], [2; 32], [7; 32]])
            .open(VECTOR.as_bytes())
            .unwrap();
        assert_eq!(opened.key_index, 2);
        assert_eq!(opened.plaintext(), PLAINTEXT);
        assert_eq!(
            ring(&[[1; 32]]).open(VECTOR.as_bytes()).unwrap_err(),
            Rejected::Unauthenticated
        );
    }

    #[test]
    fn reads_leniently_like_node() {
        let ring = ring(&[[7; 32]]);
        // URL-safe alphabet, no padding, junk characters, extra parts.
        let lenient = VECTOR.replace('+', "-").replace('/', "_").replace("==", "");
        assert!(ring.open(lenient.as_bytes()).is_ok());
        assert!(ring.open(VECTOR.replace(';', " ;!").as_bytes()).is_ok());
        assert!(
            ring.open(format!("{VECTOR};extra;parts").as_bytes())
                .is_ok()
        );
    }

    #[test]
    fn hostile_values_are_rejected_with_their_reason() {
        let ring = ring(&[[7; 32]]);
        let (cipher, nonce) = VECTOR.split_once(';').unwrap();
        let cases = [
            ("", Rejected::Malformed),
            (cipher, Rejected::Malformed),
            (";", Rejected::ShortCipher),
            (&format!("AAAA;{nonce}"), Rejected::ShortCipher),
            (&format!("{cipher};{}", &nonce[..31]), Rejected::NonceLength),
            (&format!("{cipher};{nonce}AAAA"), Rejected::NonceLength),
            (&format!("{cipher};"), Rejected::NonceLength),
            (
                &format!("{};{nonce}", &cipher[..40]),
                Rejected::Unauthenticated,
            ),
            (&format!("{nonce};{cipher}"), Rejected::NonceLength),
        ];
        for (value, expected) in cases {
            assert_eq!(
                ring.open(value.as_bytes()).unwrap_err(),
                expected,
                "{value:?}"
            );
        }
        // Every single bit flipped in the ciphertext or the nonce fails.
        let mut raw = base64::decode(cipher.as_bytes());
        for i in 0..raw.len() * 8 {
            raw[i / 8] ^= 1 << (i % 8);
            let mut value = Vec::new();
            base64::encode_uri_component(&raw, &mut value);
            let value = String::from_utf8(value)
                .unwrap()
                .replace("%2B", "+")
                .replace("%2F", "/")
                .replace("%3D", "=");
            assert_eq!(
                ring.open(format!("{value};{nonce}").as_bytes())
                    .unwrap_err(),
                Rejected::Unauthenticated
            );
            raw[i / 8] ^= 1 << (i % 8);
        }
        let mut bad_nonce = [9u8; NONCE_BYTES];
        bad_nonce[23] ^= 0x80;
        let mut nonce_text = Vec::new();
        base64::encode_uri_component(&bad_nonce, &mut nonce_text);
        let nonce_text = String::from_utf8(nonce_text).unwrap();
        assert_eq!(
            ring.open(format!("{cipher};{nonce_text}").as_bytes())
                .unwrap_err(),
            Rejected::Unauthenticated
        );
    }

    #[test]
    fn a_sealed_value_opens_after_percent_decoding() {
        let ring = ring(&[[3; 32]]);
        let value = seal(&ring, b"{}", &[5; NONCE_BYTES]);
        let decoded = value
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=")
            .replace("%3B", ";");
        assert_eq!(ring.open(decoded.as_bytes()).unwrap().plaintext(), b"{}");
    }
}
