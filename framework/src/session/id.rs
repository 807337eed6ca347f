//! Session ids as uid-safe makes them for express-session (spec O8): 24
//! bytes from the operating system's CSPRNG in unpadded base64url, 32
//! characters of `[A-Za-z0-9_-]`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::SessionError;

const ID_BYTES: usize = 24;
const ID_LEN: usize = 32;

/// A new random session id: 32 characters of `[A-Za-z0-9_-]` carrying 192
/// bits from the operating system's random source.
///
/// ```
/// let id = nestling::session::generate_id().unwrap();
/// assert_eq!(id.len(), 32);
/// ```
pub fn generate_id() -> Result<String, SessionError> {
    let mut bytes = [0u8; ID_BYTES];
    getrandom::fill(&mut bytes).map_err(SessionError::random)?;
    let mut text = [0u8; ID_LEN];
    // 24 bytes always encode to exactly 32 characters.
    let _ = URL_SAFE_NO_PAD.encode_slice(bytes, &mut text);
    Ok(std::str::from_utf8(&text).unwrap_or_default().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_base64url_characters() {
        let id = generate_id().unwrap();
        assert_eq!(id.len(), 32);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{id}"
        );
    }

    #[test]
    fn ids_differ() {
        let ids: std::collections::HashSet<String> =
            (0..100).map(|_| generate_id().unwrap()).collect();
        assert_eq!(ids.len(), 100);
    }
}
