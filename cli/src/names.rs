//! Names given on the command line: checked, then spelt the ways the
//! templates need (`blog-posts` -> `blog_posts`, `BlogPosts`, `Blog posts`).

use crate::error::CliError;

/// Words Rust reserves: none of them can name a crate or a module.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Crate names an app cannot take: the standard crates, and the ones the
/// app depends on (a package cannot depend on a crate of its own name).
const TAKEN_CRATES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
    "nestling",
    "tokio",
    "serde",
    "tracing_subscriber",
];

/// A checked name, in every spelling the templates use.
#[derive(Debug, Clone)]
pub struct Name {
    /// As given (`blog-posts`): the package name of an app.
    pub given: String,
    /// `blog_posts`: crate, module and folder names.
    pub snake: String,
    /// `BlogPosts`: type names.
    pub pascal: String,
    /// `blog-posts`: URL paths.
    pub kebab: String,
    /// `blog posts`: prose.
    pub words: String,
}

impl Name {
    /// The name of a new app (a cargo package name).
    pub fn app(given: &str) -> Result<Name, CliError> {
        let name = Name::parse(given, "an app")?;
        if TAKEN_CRATES.contains(&name.snake.as_str()) {
            return Err(CliError::new(format!(
                "`{given}` cannot be an app name: the app would clash with the crate `{}` it uses; pick another name",
                name.snake
            )));
        }
        Ok(name)
    }

    /// The name of a generated module, controller, service or resource.
    pub fn item(given: &str) -> Result<Name, CliError> {
        Name::parse(given, "a generated item")
    }

    fn parse(given: &str, what: &str) -> Result<Name, CliError> {
        let problem = if given.is_empty() {
            Some("it is empty".to_owned())
        } else if given.contains(['/', '\\']) || given.starts_with('.') {
            Some("it must be a plain name, not a path".to_owned())
        } else if !given.starts_with(|c: char| c.is_ascii_alphabetic()) {
            Some("it must start with a letter".to_owned())
        } else {
            given
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
                .map(|c| format!("`{c}` is not allowed; use letters, digits, `-` and `_`"))
        };
        if let Some(problem) = problem {
            return Err(CliError::new(format!(
                "`{given}` cannot be the name of {what}: {problem}"
            )));
        }
        let words = split_words(given);
        let snake = words.join("_");
        if KEYWORDS.contains(&snake.as_str()) {
            return Err(CliError::new(format!(
                "`{given}` cannot be the name of {what}: it is a Rust keyword"
            )));
        }
        Ok(Name {
            given: given.to_owned(),
            pascal: words.iter().map(|w| capitalise(w)).collect(),
            kebab: words.join("-"),
            words: words.join(" "),
            snake,
        })
    }

    /// The name in the singular, for one item of a resource (`posts` ->
    /// `post`), by the common English endings; a name with none of them is
    /// kept as it is.
    pub fn singular(&self) -> Name {
        let snake = &self.snake;
        let singular = if let Some(stem) = snake.strip_suffix("ies") {
            format!("{stem}y")
        } else if snake.ends_with("sses") || snake.ends_with("xes") || snake.ends_with("ches") {
            snake[..snake.len() - 2].to_owned()
        } else if snake.ends_with('s') && !snake.ends_with("ss") && snake.len() > 1 {
            snake[..snake.len() - 1].to_owned()
        } else {
            snake.clone()
        };
        Name::parse(&singular, "an item").unwrap_or_else(|_| self.clone())
    }

    /// The name with each word capitalised, for titles (`Blog Posts`).
    pub fn title(&self) -> String {
        self.words
            .split(' ')
            .map(capitalise)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `blogPosts`, `BlogPosts`, `blog-posts` and `blog_posts` all give
/// `["blog", "posts"]`.
fn split_words(given: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in given.chars() {
        if c == '-' || c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_a_name_every_way() {
        for given in ["blog-posts", "blog_posts", "BlogPosts", "blogPosts"] {
            let name = Name::item(given).unwrap();
            assert_eq!(name.snake, "blog_posts");
            assert_eq!(name.pascal, "BlogPosts");
            assert_eq!(name.kebab, "blog-posts");
            assert_eq!(name.title(), "Blog Posts");
        }
    }

    #[test]
    fn refuses_paths_digits_symbols_and_keywords() {
        for bad in [
            "",
            "../x",
            "a/b",
            ".hidden",
            "1bad-name",
            "-x",
            "a b",
            "café",
            "mod",
            "self",
        ] {
            assert!(Name::item(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(Name::app("nestling").is_err());
        assert!(Name::app("test").is_err());
        assert!(Name::app("my-blog").is_ok());
    }

    #[test]
    fn finds_the_singular() {
        let singular = |n: &str| Name::item(n).unwrap().singular().snake;
        assert_eq!(singular("posts"), "post");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("taxes"), "tax");
        // `box` is a keyword: the name stays as it is.
        assert_eq!(singular("boxes"), "boxes");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("news"), "new");
        assert_eq!(singular("glass"), "glass");
        assert_eq!(singular("blog_posts"), "blog_post");
    }
}
