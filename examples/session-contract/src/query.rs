//! Query strings, read as Express's `req.query` reads them: `+` is a
//! space, `%XX` is decoded, the first of repeated keys is used.

/// A request's query parameters.
#[derive(Debug, Default)]
pub struct QueryString(Vec<(String, String)>);

impl QueryString {
    /// The parameters of `query` (the text after `?`); none when it cannot
    /// be read.
    pub fn parse(query: Option<&str>) -> QueryString {
        let pairs = query
            .and_then(|query| serde_html_form::from_str::<Vec<(String, String)>>(query).ok())
            .unwrap_or_default();
        QueryString(pairs)
    }

    /// The value of `key`, if given (possibly empty).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` is given with a non-empty value (JavaScript's
    /// `if (req.query.key)`).
    pub fn is_set(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_express() {
        let q = QueryString::parse(Some("key=a+b&value=%7B%22x%22%3A1%7D&json&key=second"));
        assert_eq!(q.get("key"), Some("a b"));
        assert_eq!(q.get("value"), Some(r#"{"x":1}"#));
        assert_eq!(q.get("json"), Some(""));
        assert!(!q.is_set("json"));
        assert_eq!(q.get("missing"), None);
        assert_eq!(QueryString::parse(None).get("x"), None);
    }
}
