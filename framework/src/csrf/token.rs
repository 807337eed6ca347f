//! csurf's tokens (the `csrf` package): a secret of 18 random bytes in
//! base64url, and tokens `salt-hash` where `salt` is 8 random letters and
//! digits and `hash` is base64url(SHA-1(salt "-" secret)) without padding.
//! A new salt per token means no two pages carry the same bytes (BREACH);
//! any token made from the session's secret is valid.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha1::{Digest, Sha1};

const SECRET_BYTES: usize = 18;
const SALT_LEN: usize = 8;
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A new secret, from the OS CSPRNG.
pub(super) fn secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A new token for `secret`.
pub(super) fn create(secret: &str) -> Result<String, getrandom::Error> {
    let mut salt = [0u8; SALT_LEN];
    let mut filled = 0;
    while filled < SALT_LEN {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random)?;
        // 62 letters and digits: bytes from 248 up would favour some.
        for byte in random.into_iter().filter(|b| *b < 248) {
            if filled == SALT_LEN {
                break;
            }
            salt[filled] = ALPHABET[usize::from(byte % 62)];
            filled += 1;
        }
    }
    let salt = std::str::from_utf8(&salt).expect("the alphabet is ASCII");
    Ok(tokenize(secret, salt))
}

/// Whether `token` was made from `secret`, compared in constant time.
pub(super) fn verify(secret: &str, token: &str) -> bool {
    let Some((salt, _)) = token.split_once('-') else {
        return false;
    };
    constant_time_eq(tokenize(secret, salt).as_bytes(), token.as_bytes())
}

fn tokenize(secret: &str, salt: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(salt.as_bytes());
    hasher.update(b"-");
    hasher.update(secret.as_bytes());
    format!("{salt}-{}", URL_SAFE_NO_PAD.encode(hasher.finalize()))
}

/// Compares without stopping at the first difference, so the time taken
/// does not tell an attacker how much of a guess was right. (The length
/// is no secret: every token of a salt length has the same.)
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `csrf` npm package's `_tokenize(secret, salt)`, computed with
    /// Node's crypto as it does: `salt + '-' + sha1(salt + '-' + secret)` in
    /// base64url without padding.
    #[test]
    fn tokens_match_csurfs() {
        assert_eq!(
            tokenize("ZkO0TnZV7bG8C3iaa7BwdNGh", "abcdefgh"),
            "abcdefgh-phgxPwM1Uh8f6zA-Nxyb2sDls5g"
        );
        assert!(verify(
            "ZkO0TnZV7bG8C3iaa7BwdNGh",
            "abcdefgh-phgxPwM1Uh8f6zA-Nxyb2sDls5g"
        ));
    }

    #[test]
    fn a_token_verifies_against_its_secret_only() {
        let secret = secret().unwrap();
        assert_eq!(secret.len(), 24);
        let token = create(&secret).unwrap();
        assert!(verify(&secret, &token));
        assert!(!verify(&super::secret().unwrap(), &token));
        let other = create(&secret).unwrap();
        assert_ne!(token, other, "each token has its own salt");
        assert!(verify(&secret, &other));
        for garbage in [
            "",
            "-",
            "abc",
            "abcdefgh-",
            &token[..token.len() - 1],
            "\u{0}-\u{0}",
        ] {
            assert!(!verify(&secret, garbage), "{garbage:?}");
        }
    }
}
