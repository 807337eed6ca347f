//! cookie-signature's `sign`/`unsign` (spec §4.3), compatible byte for byte
//! with express-session: `sign(id) = id + "." + base64(HMAC-SHA256(secret,
//! id))` with the standard alphabet and the `=` padding removed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Length of an HMAC-SHA256 signature in unpadded base64 (SG1).
const SIGNATURE_LEN: usize = 43;

/// Signs with the first secret and verifies with every secret, in order
/// (spec O2, SG5). Each secret's HMAC key schedule is computed once, here,
/// so signing and verifying allocate nothing.
#[derive(Clone)]
pub(crate) struct Signer {
    keys: Vec<HmacSha256>,
}

impl Signer {
    /// `None` when `secrets` is empty.
    pub(crate) fn new<S: AsRef<[u8]>>(secrets: &[S]) -> Option<Signer> {
        let keys: Vec<HmacSha256> = secrets
            .iter()
            // HMAC takes keys of any length; this never fails.
            .filter_map(|secret| HmacSha256::new_from_slice(secret.as_ref()).ok())
            .collect();
        (!keys.is_empty() && keys.len() == secrets.len()).then_some(Signer { keys })
    }

    /// The unpadded base64 signature of `value` with the first secret.
    pub(crate) fn signature(&self, value: &str) -> SignatureText {
        let mut mac = self.keys[0].clone();
        mac.update(value.as_bytes());
        let tag = mac.finalize().into_bytes();
        let mut text = SignatureText([0; SIGNATURE_LEN]);
        // 32 bytes always encode to exactly 43 characters.
        let _ = STANDARD_NO_PAD.encode_slice(tag, &mut text.0);
        text
    }

    /// `sign(value, secrets[0])`: `value.signature`.
    #[cfg(test)]
    pub(crate) fn sign(&self, value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 1 + SIGNATURE_LEN);
        out.push_str(value);
        out.push('.');
        out.push_str(self.signature(value).as_str());
        out
    }

    /// `unsign(input, secret)` tried with each secret in order: the signed
    /// value (everything before the last `.`) and the index of the secret
    /// that verified it.
    ///
    /// cookie-signature accepts `input` iff `sign(candidate) == input`. The
    /// received signature is decoded strictly (standard alphabet, no
    /// padding, canonical trailing bits, 43 characters), so exactly one text
    /// decodes to each MAC and comparing the MAC bytes in constant time
    /// (`verify_slice`) accepts exactly the inputs cookie-signature accepts:
    /// base64url, re-padded or otherwise re-encoded signatures are rejected
    /// (SG2, SG3).
    pub(crate) fn unsign<'a>(&self, input: &'a str) -> Option<(&'a str, usize)> {
        // Without a `.`, cookie-signature signs `input` minus its last
        // character, which never equals `input`: rejected.
        let (value, signature) = input.rsplit_once('.')?;
        if signature.len() != SIGNATURE_LEN {
            return None;
        }
        let mut tag = [0u8; 33];
        let decoded = STANDARD_NO_PAD
            .decode_slice(signature, &mut tag)
            .ok()
            .filter(|&len| len == 32)?;
        let tag = &tag[..decoded];
        self.keys.iter().enumerate().find_map(|(index, key)| {
            let mut mac = key.clone();
            mac.update(value.as_bytes());
            mac.verify_slice(tag).is_ok().then_some((value, index))
        })
    }
}

impl std::fmt::Debug for SignatureText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        write!(f, "Signer({} secret(s))", self.keys.len())
    }
}

/// A signature as text, inline.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SignatureText([u8; SIGNATURE_LEN]);

impl SignatureText {
    /// The signature part of a cookie value that [`Signer::unsign`]
    /// accepted (so exactly 43 base64 characters).
    pub(crate) fn from_verified(text: &str) -> Option<SignatureText> {
        text.as_bytes().try_into().ok().map(SignatureText)
    }

    pub(crate) fn as_str(&self) -> &str {
        // base64 output is ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(secrets: &[&str]) -> Signer {
        Signer::new(secrets).unwrap()
    }

    // §4.4: the vectors of express-session's "genid option" tests (secret
    // `keyboard cat`), here before percent-encoding.
    const VECTORS: [(&str, &str); 3] = [
        ("apple", "apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU"),
        ("%", "%.kzQ6x52kKVdF35Qh62AWk4ZekS28K5XYCXKa/OTZ01g"),
        ("/foo", "/foo.paEKBtAHbV5s1IB8B2zPnzAgYmmnRPIqObW4VRYj/MQ"),
    ];

    #[test]
    fn signs_the_spec_vectors_byte_for_byte() {
        let s = signer(&["keyboard cat"]);
        for (id, signed) in VECTORS {
            assert_eq!(s.sign(id), signed);
            assert_eq!(s.unsign(signed), Some((id, 0)));
        }
    }

    #[test]
    fn rejects_tampered_and_forged_values() {
        let s = signer(&["keyboard cat"]);
        let good = "apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU";
        // another id with apple's signature
        assert_eq!(
            s.unsign("apples.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU"),
            None
        );
        // one signature character changed
        assert_eq!(
            s.unsign("apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCV"),
            None
        );
        // base64url instead of base64 (SG2)
        assert_eq!(
            s.unsign("apple.D8Y-pkTAmeR0PobOhY4G97PRW-j7bUnP_5m6_On1MCU"),
            None
        );
        // padding re-added (SG2)
        assert_eq!(s.unsign(&format!("{good}=")), None);
        // no signature at all, or no dot (SG2)
        assert_eq!(s.unsign("apple."), None);
        assert_eq!(s.unsign("apple"), None);
        assert_eq!(s.unsign(""), None);
        // signed with another secret
        assert_eq!(signer(&["other"]).unsign(good), None);
        // signature made for the empty value, attached to another
        let empty = s.sign("");
        assert_eq!(s.unsign(&empty), Some(("", 0))); // SG4: valid, empty
        assert_eq!(s.unsign(&format!("x{empty}")), None);
    }

    #[test]
    fn rejects_non_canonical_trailing_bits() {
        // 43 base64 characters carry 258 bits for a 256-bit MAC: the last
        // character has two unused bits. A lenient decoder maps `U`, `V`,
        // `W` and `X` to the same MAC; cookie-signature compares text, so
        // only the canonical one is accepted.
        let s = signer(&["keyboard cat"]);
        let good = "apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU";
        assert!(s.unsign(good).is_some());
        for last in ['V', 'W', 'X'] {
            let altered = format!("{}{last}", &good[..good.len() - 1]);
            assert_eq!(s.unsign(&altered), None, "{altered}");
        }
    }

    #[test]
    fn ids_may_contain_dots() {
        let s = signer(&["keyboard cat"]);
        let signed = s.sign("a.b.c");
        assert_eq!(s.unsign(&signed), Some(("a.b.c", 0)));
    }

    #[test]
    fn rotation_signs_with_the_first_and_verifies_with_all() {
        let old = signer(&["old secret"]);
        let rotated = signer(&["new secret", "old secret"]);
        let by_old = old.sign("abc");
        assert_eq!(rotated.unsign(&by_old), Some(("abc", 1)));
        assert_eq!(rotated.sign("abc"), signer(&["new secret"]).sign("abc"));
        assert_eq!(old.unsign(&rotated.sign("abc")), None);
    }

    #[test]
    fn no_secret_no_signer() {
        assert!(Signer::new::<&str>(&[]).is_none());
    }
}
