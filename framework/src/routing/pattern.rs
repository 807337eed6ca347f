//! Route paths in Nest/Express syntax (`/cats/:id`, `/files/*`, `/files/*rest`),
//! translated to matchit's syntax (`/cats/{id}`, `/files/{*path}`).
//!
//! This file is plain `std` code on purpose: the macro crate compiles the very
//! same file (`#[path = ...]`), so a path that the runtime would reject is a
//! compile error pointing at the attribute, and both sides can never disagree.

/// The name a bare `*` wildcard gets, as in Nest 11 (`*` becomes `*path`).
pub const BARE_WILDCARD_NAME: &str = "path";

/// A route path after translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPath {
    /// The path in matchit's syntax.
    pub matchit: String,
    /// Parameter names in the order they appear.
    pub params: Vec<String>,
    /// For a path ending in a wildcard: the same path without the wildcard
    /// (`/files/`), because Nest's `files/*` also matches `files/` and a
    /// matchit catch-all never matches the empty string.
    pub empty_wildcard: Option<String>,
}

/// Why a route path was refused, with the byte offset of the culprit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// Byte offset into the path that was parsed.
    pub offset: usize,
    /// What is wrong and what to write instead.
    pub message: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Joins a controller prefix and a method path the way Nest does: both sides
/// may or may not have slashes, the result always starts with exactly one `/`
/// and has no trailing slash (except the root `/`).
pub fn join(prefix: &str, path: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + path.len() + 2);
    for part in [prefix, path] {
        let part = part.trim_matches('/');
        if !part.is_empty() {
            out.push('/');
            out.push_str(part);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn error(offset: usize, message: impl Into<String>) -> PathError {
    PathError {
        offset,
        message: message.into(),
    }
}

/// Translates a full path (already joined, starting with `/`) from Nest/Express
/// syntax to matchit's.
pub fn parse(path: &str) -> Result<ParsedPath, PathError> {
    if !path.starts_with('/') {
        return Err(error(0, "a route path must start with `/`"));
    }
    let mut matchit = String::with_capacity(path.len() + 8);
    let mut params: Vec<String> = Vec::new();
    let mut empty_wildcard = None;
    let mut chars = path.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            ':' => {
                let start = at + 1;
                let mut end = start;
                while let Some(&(i, n)) = chars.peek() {
                    if !is_name_char(n) {
                        break;
                    }
                    end = i + n.len_utf8();
                    chars.next();
                }
                let name = &path[start..end];
                if name.is_empty() {
                    return Err(error(
                        at,
                        "expected a parameter name after `:` (e.g. `:id`)",
                    ));
                }
                if let Some(&(i, '?')) = chars.peek() {
                    return Err(error(
                        i,
                        format!(
                            "optional parameters (`:{name}?`) are not supported; declare a second route without `:{name}`"
                        ),
                    ));
                }
                if let Some(&(i, '(')) = chars.peek() {
                    return Err(error(
                        i,
                        "regular expressions in route paths are not supported; take the parameter as a string and validate it in the handler",
                    ));
                }
                if params.iter().any(|p| p == name) {
                    return Err(error(
                        at,
                        format!("the parameter `:{name}` appears twice in this path"),
                    ));
                }
                matchit.push('{');
                matchit.push_str(name);
                matchit.push('}');
                params.push(name.to_string());
            }
            '*' => {
                if !path[..at].ends_with('/') {
                    return Err(error(
                        at,
                        "a wildcard must start a path segment (`/files/*` or `/files/*rest`)",
                    ));
                }
                let start = at + 1;
                let rest = &path[start..];
                if let Some(bad) = rest.find(|c: char| !is_name_char(c)) {
                    return Err(error(
                        start + bad,
                        "a wildcard must be the last segment of the path (`/files/*rest`)",
                    ));
                }
                let name = if rest.is_empty() {
                    BARE_WILDCARD_NAME
                } else {
                    rest
                };
                if params.iter().any(|p| p == name) {
                    return Err(error(
                        at,
                        format!("the parameter `{name}` appears twice in this path"),
                    ));
                }
                empty_wildcard = Some(matchit.clone());
                matchit.push_str("{*");
                matchit.push_str(name);
                matchit.push('}');
                params.push(name.to_string());
                break;
            }
            '(' | ')' => {
                return Err(error(
                    at,
                    "regular expressions and groups in route paths are not supported",
                ));
            }
            '?' | '#' => {
                return Err(error(
                    at,
                    "a route path cannot contain `?` or `#`; read query strings with `Query<T>`",
                ));
            }
            '{' => matchit.push_str("{{"),
            '}' => matchit.push_str("}}"),
            _ => matchit.push(c),
        }
    }
    Ok(ParsedPath {
        matchit,
        params,
        empty_wildcard,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_normalises_slashes() {
        assert_eq!(join("", ""), "/");
        assert_eq!(join("cats", ""), "/cats");
        assert_eq!(join("/cats/", "/:id/"), "/cats/:id");
        assert_eq!(join("", ":id"), "/:id");
    }

    #[test]
    fn translates_params_and_wildcards() {
        let p = parse("/cats/:id/toys/:toy_id").unwrap();
        assert_eq!(p.matchit, "/cats/{id}/toys/{toy_id}");
        assert_eq!(p.params, ["id", "toy_id"]);
        let w = parse("/files/*").unwrap();
        assert_eq!(w.matchit, "/files/{*path}");
        assert_eq!(w.empty_wildcard.as_deref(), Some("/files/"));
        let n = parse("/files/*rest").unwrap();
        assert_eq!(n.matchit, "/files/{*rest}");
        assert_eq!(n.params, ["rest"]);
    }

    #[test]
    fn keeps_dots_and_dashes_literal_and_escapes_braces() {
        assert_eq!(parse("/img/:id.png").unwrap().matchit, "/img/{id}.png");
        assert_eq!(parse("/a-b/{x}").unwrap().matchit, "/a-b/{{x}}");
    }

    #[test]
    fn rejects_malformed_paths_with_offsets() {
        assert_eq!(parse("/cats/:").unwrap_err().offset, 6);
        assert_eq!(parse("/cats/:id?").unwrap_err().offset, 9);
        assert_eq!(parse("/files/*/x").unwrap_err().offset, 8);
        assert_eq!(parse("/a*").unwrap_err().offset, 2);
        assert_eq!(parse("/:id/:id").unwrap_err().offset, 5);
        assert!(parse("/cats/:id(\\d+)").is_err());
        assert!(parse("cats").is_err());
    }
}
