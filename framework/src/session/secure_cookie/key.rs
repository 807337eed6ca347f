//! The keys that encrypt cookie sessions (spec §1, §2, §7): given as 32 raw
//! bytes or base64 text, or derived once at start-up from a secret and a
//! salt with libsodium's `crypto_pwhash` parameters (Argon2id v1.3, 3
//! passes, 256 MiB, one lane).

use std::fmt;
use std::time::Instant;

use crypto_secretbox::{KeyInit, XSalsa20Poly1305};

use super::base64;

/// The length of a key (`crypto_secretbox_KEYBYTES`).
pub(crate) const KEY_BYTES: usize = 32;

/// The salt length `crypto_pwhash` takes.
pub(crate) const SALT_BYTES: usize = 16;

/// The shortest secret @fastify/secure-session accepts.
pub(crate) const MIN_SECRET_BYTES: usize = 32;

/// @fastify/secure-session's default salt, base64 `mq9hDxBVDbspDR6nLfFT1g==`:
/// static, so only better than nothing; give your own with
/// [`salt`](super::SecureSessionOptions::salt).
pub(crate) const DEFAULT_SALT: [u8; SALT_BYTES] = [
    0x9a, 0xaf, 0x61, 0x0f, 0x10, 0x55, 0x0d, 0xbb, 0x29, 0x0d, 0x1e, 0xa7, 0x2d, 0xf1, 0x53, 0xd6,
];

/// A key as given in the options: raw bytes, or text read as base64 (as
/// @fastify/secure-session reads a string key, whatever its README's hex
/// example suggests). Its length is checked at start-up.
///
/// ```
/// use nestling::session::SessionKey;
///
/// let raw = SessionKey::from([7u8; 32]);
/// let text = SessionKey::from("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
/// assert_eq!(raw, text);
/// ```
#[derive(Clone)]
pub struct SessionKey {
    bytes: Vec<u8>,
    /// Whether it was given as text (for the start-up error's hint).
    from_text: bool,
}

impl SessionKey {
    /// A key from raw bytes (a Node `Buffer` key).
    pub fn from_bytes(bytes: impl AsRef<[u8]>) -> SessionKey {
        SessionKey {
            bytes: bytes.as_ref().to_vec(),
            from_text: false,
        }
    }

    /// A key from base64 text (standard or URL-safe alphabet, padding
    /// optional), decoded as Node's `Buffer.from(text, 'base64')` does.
    pub fn from_base64(text: &str) -> SessionKey {
        SessionKey {
            bytes: base64::decode(text.as_bytes()),
            from_text: true,
        }
    }

    /// The key's length in bytes (a valid key has 32).
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the key has no bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The start-up problem with this key, `position` naming it.
    pub(crate) fn problem(&self, position: &str) -> Option<String> {
        if self.bytes.len() == KEY_BYTES {
            return None;
        }
        let hint = if self.from_text {
            " (text is read as base64, not hex)"
        } else {
            ""
        };
        Some(format!(
            "the cookie-session {position} is {} bytes{hint}, but keys must be exactly 32 \
             bytes: generate one with `head -c 32 /dev/urandom | base64` and pass that text, \
             or derive one from a passphrase with `SecureSessionOptions::secret(..)`",
            self.bytes.len()
        ))
    }

    /// The cipher of a valid key.
    pub(crate) fn cipher(&self) -> Option<XSalsa20Poly1305> {
        let key: &[u8; KEY_BYTES] = self.bytes.as_slice().try_into().ok()?;
        Some(XSalsa20Poly1305::new(key.into()))
    }
}

/// Keys are equal when their bytes are, however they were given.
impl PartialEq for SessionKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for SessionKey {}

impl From<[u8; KEY_BYTES]> for SessionKey {
    fn from(bytes: [u8; KEY_BYTES]) -> Self {
        SessionKey::from_bytes(bytes)
    }
}

impl From<&[u8; KEY_BYTES]> for SessionKey {
    fn from(bytes: &[u8; KEY_BYTES]) -> Self {
        SessionKey::from_bytes(bytes)
    }
}

impl From<&[u8]> for SessionKey {
    fn from(bytes: &[u8]) -> Self {
        SessionKey::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for SessionKey {
    fn from(bytes: Vec<u8>) -> Self {
        SessionKey {
            bytes,
            from_text: false,
        }
    }
}

impl From<&str> for SessionKey {
    /// Base64 text, as @fastify/secure-session reads a string key.
    fn from(text: &str) -> Self {
        SessionKey::from_base64(text)
    }
}

impl From<String> for SessionKey {
    /// Base64 text, as @fastify/secure-session reads a string key.
    fn from(text: String) -> Self {
        SessionKey::from_base64(&text)
    }
}

impl From<&String> for SessionKey {
    /// Base64 text, as @fastify/secure-session reads a string key.
    fn from(text: &String) -> Self {
        SessionKey::from_base64(text)
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys are never printed.
        write!(f, "SessionKey({} bytes)", self.bytes.len())
    }
}

/// The key `crypto_pwhash` derives from `secret` and `salt` with
/// `OPSLIMIT_MODERATE`, `MEMLIMIT_MODERATE` and `ALG_DEFAULT` (spec §2),
/// logged with how long it took. Lengths are checked by the caller.
pub(crate) fn derive(secret: &[u8], salt: &[u8]) -> Result<SessionKey, String> {
    let started = Instant::now();
    let params = argon2::Params::new(256 * 1024, 3, 1, Some(KEY_BYTES))
        .map_err(|e| format!("the Argon2id parameters were refused: {e}"))?;
    let argon2 = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = [0u8; KEY_BYTES];
    argon2
        .hash_password_into(secret, salt, &mut key)
        .map_err(|e| format!("the key could not be derived from the secret: {e}"))?;
    tracing::info!(
        target: "nestling::session",
        elapsed_ms = started.elapsed().as_millis() as u64,
        "derived the cookie-session key from the secret (Argon2id, 256 MiB, once at start-up)"
    );
    Ok(SessionKey::from(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    const SECRET: &[u8] = b"averylogphrasebiggerthanthirtytwochars";

    #[test]
    fn derivation_matches_libsodium() {
        // Spec §8: the docs' example salt (the default's base64 text as ASCII).
        let key = derive(SECRET, b"mq9hDxBVDbspDR6n").unwrap();
        assert_eq!(
            hex(&key.bytes),
            "fa4edddde76d7a8f4a7d89b3a93effcc51d9e7bf176b6441c5d82a3b86c2f82b"
        );
        // ... and the plugin's default salt.
        let key = derive(SECRET, &DEFAULT_SALT).unwrap();
        assert_eq!(
            hex(&key.bytes),
            "b26d7bb1252a79d7f24e1af3ba192dda3fb33e965905edcff87493ace649b67e"
        );
    }

    #[test]
    fn the_default_salt_is_the_plugins() {
        assert_eq!(
            SessionKey::from_base64("mq9hDxBVDbspDR6nLfFT1g==").bytes,
            DEFAULT_SALT
        );
    }

    #[test]
    fn keys_of_the_wrong_length_name_the_fix() {
        assert!(SessionKey::from([1u8; 32]).problem("key").is_none());
        let hex_text = "07".repeat(32);
        let problem = SessionKey::from(hex_text.as_str()).problem("key").unwrap();
        assert!(
            problem.contains("48 bytes (text is read as base64"),
            "{problem}"
        );
        let problem = SessionKey::from(&[1u8; 31][..]).problem("key #2").unwrap();
        assert!(problem.starts_with("the cookie-session key #2 is 31 bytes, but"));
        assert!(problem.contains("/dev/urandom"));
        assert!(SessionKey::from(&[1u8; 31][..]).cipher().is_none());
    }

    #[test]
    fn debug_never_shows_a_key() {
        assert_eq!(
            format!("{:?}", SessionKey::from([7u8; 32])),
            "SessionKey(32 bytes)"
        );
    }
}
