//! `Range: bytes=...` (RFC 9110 §14), as `send` answers it: one satisfiable
//! range is a 206; none is a 416; several, or a malformed header, get the
//! whole file (multipart answers are not worth their cost here).

/// What a `Range` header asks of a file of a given length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ranged {
    /// Send the whole file (200).
    Full,
    /// Send bytes `start..=end` (206).
    Partial { start: u64, end: u64 },
    /// No range can be served (416).
    Unsatisfiable,
}

/// Interprets `header` for a file of `len` bytes.
pub(crate) fn parse(header: &str, len: u64) -> Ranged {
    let Some(specs) = header
        .trim()
        .strip_prefix("bytes=")
        .or_else(|| header.trim().strip_prefix("BYTES="))
    else {
        return Ranged::Full;
    };
    let mut satisfiable = None;
    let mut count = 0;
    for spec in specs.split(',') {
        match parse_spec(spec.trim(), len) {
            Spec::Malformed => return Ranged::Full,
            Spec::Unsatisfiable => {}
            Spec::Range(start, end) => {
                count += 1;
                satisfiable = Some((start, end));
            }
        }
    }
    match (count, satisfiable) {
        (0, _) => Ranged::Unsatisfiable,
        (1, Some((start, end))) => Ranged::Partial { start, end },
        _ => Ranged::Full,
    }
}

enum Spec {
    Range(u64, u64),
    Unsatisfiable,
    Malformed,
}

fn parse_spec(spec: &str, len: u64) -> Spec {
    let Some((first, last)) = spec.split_once('-') else {
        return Spec::Malformed;
    };
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => match number(suffix) {
            None => Spec::Malformed,
            Some(0) => Spec::Unsatisfiable,
            Some(_) if len == 0 => Spec::Unsatisfiable,
            Some(n) => Spec::Range(len.saturating_sub(n), len - 1),
        },
        (start, "") => match number(start) {
            None => Spec::Malformed,
            Some(start) if start >= len => Spec::Unsatisfiable,
            Some(start) => Spec::Range(start, len - 1),
        },
        (start, end) => match (number(start), number(end)) {
            (Some(start), Some(end)) if start <= end => {
                if start >= len {
                    Spec::Unsatisfiable
                } else {
                    Spec::Range(start, end.min(len - 1))
                }
            }
            _ => Spec::Malformed,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_range_in_each_form() {
        assert_eq!(parse("bytes=0-4", 10), Ranged::Partial { start: 0, end: 4 });
        assert_eq!(parse("bytes=5-", 10), Ranged::Partial { start: 5, end: 9 });
        assert_eq!(parse("bytes=-3", 10), Ranged::Partial { start: 7, end: 9 });
        assert_eq!(parse("bytes=-30", 10), Ranged::Partial { start: 0, end: 9 });
        assert_eq!(
            parse("bytes=8-100", 10),
            Ranged::Partial { start: 8, end: 9 }
        );
    }

    #[test]
    fn unsatisfiable_ranges_are_416() {
        assert_eq!(parse("bytes=10-", 10), Ranged::Unsatisfiable);
        assert_eq!(parse("bytes=20-30", 10), Ranged::Unsatisfiable);
        assert_eq!(parse("bytes=-0", 10), Ranged::Unsatisfiable);
        assert_eq!(parse("bytes=0-", 0), Ranged::Unsatisfiable);
    }

    #[test]
    fn several_or_malformed_ranges_get_the_whole_file() {
        assert_eq!(parse("bytes=0-1,3-4", 10), Ranged::Full);
        assert_eq!(parse("bytes=5-2", 10), Ranged::Full);
        assert_eq!(parse("bytes=a-b", 10), Ranged::Full);
        assert_eq!(parse("items=0-1", 10), Ranged::Full);
        assert_eq!(
            parse("bytes=0-1, 50-60", 10),
            Ranged::Partial { start: 0, end: 1 }
        );
    }
}
