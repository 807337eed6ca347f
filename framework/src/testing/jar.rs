//! A cookie jar that behaves as a browser does for one host: cookies set by
//! responses are sent back until they expire or are removed.

use std::sync::Mutex;
use std::time::SystemTime;

use cookie::Cookie;

#[derive(Default, Debug)]
pub(crate) struct Jar {
    cookies: Mutex<Vec<Stored>>,
}

#[derive(Debug, Clone)]
struct Stored {
    name: String,
    value: String,
    path: String,
    expires: Option<SystemTime>,
}

impl Jar {
    /// Records the `Set-Cookie` headers of a response.
    pub(crate) fn store(&self, set_cookies: impl Iterator<Item = String>) {
        let mut cookies = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        for header in set_cookies {
            let Ok(parsed) = Cookie::parse(header) else {
                continue;
            };
            let path = parsed.path().unwrap_or("/").to_string();
            let now = SystemTime::now();
            let expires = match (parsed.max_age(), parsed.expires_datetime()) {
                (Some(max_age), _) => {
                    let secs = max_age.whole_seconds();
                    if secs <= 0 {
                        Some(SystemTime::UNIX_EPOCH)
                    } else {
                        Some(now + std::time::Duration::from_secs(secs as u64))
                    }
                }
                (None, Some(at)) => Some(SystemTime::from(at)),
                (None, None) => None,
            };
            cookies.retain(|c| !(c.name == parsed.name() && c.path == path));
            if expires.is_some_and(|at| at <= now) {
                continue; // a removal
            }
            cookies.push(Stored {
                name: parsed.name().to_string(),
                value: parsed.value().to_string(),
                path,
                expires,
            });
        }
    }

    /// The `Cookie` header for a request to `path`, if any cookie applies.
    pub(crate) fn header_for(&self, path: &str) -> Option<String> {
        let now = SystemTime::now();
        let mut cookies = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        cookies.retain(|c| c.expires.is_none_or(|at| at > now));
        let pairs: Vec<String> = cookies
            .iter()
            .filter(|c| path_matches(&c.path, path))
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// The value of a stored cookie.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let cookies = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        cookies
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.clone())
    }

    /// Adds or replaces a cookie by hand.
    pub(crate) fn set(&self, name: &str, value: &str) {
        let mut cookies = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        cookies.retain(|c| c.name != name);
        cookies.push(Stored {
            name: name.to_string(),
            value: value.to_string(),
            path: "/".to_string(),
            expires: None,
        });
    }

    /// Forgets every cookie.
    pub(crate) fn clear(&self) {
        self.cookies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// RFC 6265 §5.1.4 path matching.
fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || request_path[cookie_path.len()..].starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_sends_and_removes_cookies() {
        let jar = Jar::default();
        jar.store(["sid=abc; Path=/; HttpOnly".to_string()].into_iter());
        jar.store(["admin=1; Path=/admin".to_string()].into_iter());
        assert_eq!(jar.header_for("/").as_deref(), Some("sid=abc"));
        assert_eq!(
            jar.header_for("/admin/x").as_deref(),
            Some("sid=abc; admin=1")
        );
        assert_eq!(jar.header_for("/administrator").as_deref(), Some("sid=abc"));
        jar.store(["sid=; Path=/; Max-Age=0".to_string()].into_iter());
        assert_eq!(jar.header_for("/"), None);
        jar.store(["old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT".to_string()].into_iter());
        assert_eq!(jar.get("old"), None);
    }
}
