use std::any::TypeId;
use std::fmt;

/// What a provider is registered under and a dependency asks for: a type,
/// and optionally a name when one type has several providers.
///
/// ```
/// use nestling::di::Token;
/// struct Database;
/// assert_eq!(Token::of::<Database>().to_string(), "Database");
/// assert_eq!(Token::named::<Database>("replica").to_string(), "Database(\"replica\")");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token {
    type_id: TypeId,
    type_name: &'static str,
    name: Option<&'static str>,
}

impl Token {
    /// The token of type `T`.
    pub fn of<T: ?Sized + 'static>() -> Token {
        Token {
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
            name: None,
        }
    }

    /// The token of type `T` under `name`.
    pub fn named<T: ?Sized + 'static>(name: &'static str) -> Token {
        Token {
            name: Some(name),
            ..Token::of::<T>()
        }
    }

    /// The same type under another name (or none).
    pub fn with_name(self, name: Option<&'static str>) -> Token {
        Token { name, ..self }
    }

    /// Whether both tokens are for the same type, whatever their names.
    pub(crate) fn same_type(&self, other: &Token) -> bool {
        self.type_id == other.type_id
    }

    /// The name, if any.
    pub fn name(&self) -> Option<&'static str> {
        self.name
    }

    /// The type's short name (`CatsService`, not `my_app::cats::CatsService`).
    pub fn type_name(&self) -> String {
        short_type_name(self.type_name)
    }
}

/// `a::b::Foo<c::Bar>` -> `Foo<Bar>`.
pub(crate) fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut segment = String::new();
    for c in full.chars() {
        match c {
            ':' => segment.clear(),
            '<' | '>' | ',' | ' ' | '(' | ')' | '[' | ']' | '&' => {
                out.push_str(&segment);
                segment.clear();
                out.push(c);
            }
            _ => segment.push(c),
        }
    }
    out.push_str(&segment);
    out
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(name) => write!(f, "{}({name:?})", self.type_name()),
            None => f.write_str(&self.type_name()),
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shortens_paths_inside_generics() {
        assert_eq!(
            super::short_type_name("a::b::Foo<c::Bar, alloc::sync::Arc<d::Baz>>"),
            "Foo<Bar, Arc<Baz>>"
        );
        assert_eq!(super::short_type_name("dyn my::Repo"), "dyn Repo");
    }
}
