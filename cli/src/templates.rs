//! The scaffold's sources, from the top-level `templates/` folder, embedded
//! at build time (`build.rs`). A name ending in `.tera` is rendered with
//! Tera (and loses the suffix); any other file is copied as it is, which
//! keeps the views, themselves Tera templates, free of escaping.

use tera::{Context, Tera};

use crate::error::CliError;

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// Every template, parsed once.
pub struct Templates {
    tera: Tera,
}

impl Templates {
    pub fn load() -> Templates {
        let mut tera = Tera::new();
        // The output is Rust, TOML and Markdown: nothing to HTML-escape.
        tera.autoescape_on(Vec::<&str>::new());
        tera.add_raw_templates(
            TEMPLATES
                .iter()
                .filter(|(name, _)| name.ends_with(".tera"))
                .copied(),
        )
        .expect("the embedded templates parse (tested)");
        Templates { tera }
    }

    /// The files under `folder` (`new`, `generate/resource`, ...), each as
    /// (its path relative to the folder, without `.tera`, and its content).
    pub fn render_folder(
        &self,
        folder: &str,
        context: &Context,
    ) -> Result<Vec<(String, String)>, CliError> {
        let prefix = format!("{folder}/");
        let mut files = Vec::new();
        for (name, content) in TEMPLATES {
            let Some(relative) = name.strip_prefix(&prefix) else {
                continue;
            };
            files.push(match relative.strip_suffix(".tera") {
                Some(output) => (output.to_owned(), self.render(name, context)?),
                None => (relative.to_owned(), (*content).to_owned()),
            });
        }
        Ok(files)
    }

    /// One template, by its full name (`generate/controller.rs.tera`).
    pub fn render(&self, name: &str, context: &Context) -> Result<String, CliError> {
        let mut text = self
            .tera
            .render(name, context)
            .map_err(|e| CliError::new(format!("the template `{name}` does not render: {e:?}")))?;
        // Tera drops a template's final newline; files end with one.
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_embedded_and_parses() {
        let templates = Templates::load();
        assert!(TEMPLATES.iter().any(|(n, _)| *n == "new/src/main.rs.tera"));
        assert!(TEMPLATES.iter().any(|(n, _)| *n == "new/views/layout.html"));
        let rust = templates.render("generate/service.rs.tera", &{
            let mut context = Context::new();
            context.insert("type_name", "Posts");
            context.insert("words", "posts");
            context
        });
        assert!(rust.unwrap().contains("pub struct PostsService;"));
    }
}
