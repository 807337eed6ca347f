//! `CsrfOptions`: csurf's options, with its defaults.

use http::{HeaderName, Method};

/// How [`Application::use_csrf`](crate::Application::use_csrf) protects the
/// app, with csurf's defaults.
///
/// ```
/// use nestling::csrf::CsrfOptions;
///
/// let options = CsrfOptions::default()
///     .field("authenticity_token")
///     .header("x-csrf-token");
/// ```
#[derive(Debug, Clone)]
pub struct CsrfOptions {
    field: String,
    headers: Vec<String>,
    session_key: String,
    ignore_methods: Vec<Method>,
}

impl Default for CsrfOptions {
    /// The form field `_csrf`; the headers `csrf-token`, `xsrf-token`,
    /// `x-csrf-token` and `x-xsrf-token`; the secret under `csrfSecret` in
    /// the session; GET, HEAD and OPTIONS unchecked (csurf's defaults).
    fn default() -> Self {
        CsrfOptions {
            field: "_csrf".to_owned(),
            headers: ["csrf-token", "xsrf-token", "x-csrf-token", "x-xsrf-token"]
                .map(str::to_owned)
                .to_vec(),
            session_key: "csrfSecret".to_owned(),
            ignore_methods: vec![Method::GET, Method::HEAD, Method::OPTIONS],
        }
    }
}

impl CsrfOptions {
    /// The form field that carries the token in urlencoded bodies; default
    /// `_csrf`. `csrf_field()` writes it.
    ///
    /// ```
    /// let options = nestling::csrf::CsrfOptions::default().field("token");
    /// ```
    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.field = name.into();
        self
    }

    /// The one header that carries the token (for `fetch` and JSON
    /// clients), replacing csurf's four defaults.
    ///
    /// ```
    /// let options = nestling::csrf::CsrfOptions::default().header("x-csrf-token");
    /// ```
    pub fn header(mut self, name: impl Into<String>) -> Self {
        self.headers = vec![name.into()];
        self
    }

    /// The session key of the secret; default `csrfSecret`, csurf's, so an
    /// Express app with csurf on the same session shares it.
    ///
    /// ```
    /// let options = nestling::csrf::CsrfOptions::default().session_key("_csrf_secret");
    /// ```
    pub fn session_key(mut self, key: impl Into<String>) -> Self {
        self.session_key = key.into();
        self
    }

    /// The methods that are not checked; default GET, HEAD and OPTIONS.
    ///
    /// ```
    /// use nestling::http::Method;
    /// let options = nestling::csrf::CsrfOptions::default()
    ///     .ignore_methods([Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE]);
    /// ```
    pub fn ignore_methods(mut self, methods: impl IntoIterator<Item = Method>) -> Self {
        self.ignore_methods = methods.into_iter().collect();
        self
    }

    /// Checks the options once, at start-up.
    pub(crate) fn build(self) -> Result<CsrfConfig, Vec<String>> {
        let mut problems = Vec::new();
        let field_ok = !self.field.is_empty()
            && self
                .field
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !field_ok {
            problems.push(format!(
                "CsrfOptions::field({:?}): a form field name is letters, digits, `_`, `-` or `.`",
                self.field
            ));
        }
        let mut headers = Vec::new();
        for name in &self.headers {
            match HeaderName::from_bytes(name.as_bytes()) {
                Ok(header) => headers.push(header),
                Err(_) => problems.push(format!(
                    "CsrfOptions::header({name:?}) is not a valid header name"
                )),
            }
        }
        if self.session_key.is_empty() || self.session_key == "cookie" {
            problems.push(format!(
                "CsrfOptions::session_key({:?}): choose another key (the default is \"csrfSecret\")",
                self.session_key
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(CsrfConfig {
            field: self.field,
            headers,
            session_key: self.session_key,
            ignore_methods: self.ignore_methods,
        })
    }
}

/// The checked options of a running app.
#[derive(Debug)]
pub(crate) struct CsrfConfig {
    pub(crate) field: String,
    pub(crate) headers: Vec<HeaderName>,
    pub(crate) session_key: String,
    pub(crate) ignore_methods: Vec<Method>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_names_are_reported_together() {
        let problems = CsrfOptions::default()
            .field("a b")
            .header("bad header")
            .session_key("cookie")
            .build()
            .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn the_defaults_are_csurfs() {
        let config = CsrfOptions::default().build().unwrap();
        assert_eq!(config.field, "_csrf");
        assert_eq!(config.session_key, "csrfSecret");
        assert_eq!(config.headers.len(), 4);
    }
}
