//! Host patterns (`:account.example.com`), matched label by label,
//! case-insensitively, ignoring the port.

#[derive(Debug)]
pub(crate) struct HostPattern {
    pub(crate) source: &'static str,
    labels: Vec<Label>,
}

#[derive(Debug)]
enum Label {
    Literal(String),
    Param(&'static str),
}

impl HostPattern {
    pub(crate) fn new(source: &'static str) -> HostPattern {
        let labels = source
            .split('.')
            .map(|label| match label.strip_prefix(':') {
                Some(name) => Label::Param(name),
                None => Label::Literal(label.to_ascii_lowercase()),
            })
            .collect();
        HostPattern { source, labels }
    }

    /// Whether `host` (a Host header, maybe with a port) matches.
    pub(crate) fn matches(&self, host: &str) -> bool {
        let host = strip_port(host);
        let mut labels = host.split('.');
        for expected in &self.labels {
            match (expected, labels.next()) {
                (Label::Literal(l), Some(got)) if l.eq_ignore_ascii_case(got) => {}
                (Label::Param(_), Some(got)) if !got.is_empty() => {}
                _ => return false,
            }
        }
        labels.next().is_none()
    }

    /// The value of the host parameter `name` in `host`.
    pub(crate) fn param<'h>(&self, host: &'h str, name: &str) -> Option<&'h str> {
        let host = strip_port(host);
        self.labels
            .iter()
            .zip(host.split('.'))
            .find_map(|(label, got)| match label {
                Label::Param(n) if *n == name => Some(got),
                _ => None,
            })
    }

    pub(crate) fn has_param(&self, name: &str) -> bool {
        self.labels
            .iter()
            .any(|l| matches!(l, Label::Param(n) if *n == name))
    }
}

fn strip_port(host: &str) -> &str {
    match host.rfind(':') {
        Some(i) if !host.ends_with(']') => &host[..i],
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_labels_and_extracts_params() {
        let p = HostPattern::new(":account.example.com");
        assert!(p.matches("acme.example.com"));
        assert!(p.matches("ACME.Example.com:3000"));
        assert!(!p.matches("example.com"));
        assert!(!p.matches("a.b.example.com"));
        assert_eq!(p.param("acme.example.com:80", "account"), Some("acme"));
    }
}
