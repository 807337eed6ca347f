//! The Chinese chapters (`book/src/zh/`) stay in step with the English
//! ones: the same code blocks, byte for byte and in the same order, and the
//! same number of sections. A chapter changed in English without its
//! translation fails here, naming the first block or count that differs.

use std::path::Path;

/// (English, Chinese) chapter pairs.
const PAIRS: &[(&str, &str)] = &[
    ("quick-start.md", "zh/quick-start.md"),
    ("sessions.md", "zh/sessions.md"),
];

fn read(chapter: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../book/src")
        .join(chapter);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fenced blocks of a chapter, each with its fences.
fn blocks(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut open: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match &mut open {
            None if trimmed.starts_with("```") => {
                let indent = line[..line.len() - trimmed.len()].to_owned();
                open = Some((indent, vec![line]));
            }
            None => {}
            Some((indent, lines)) => {
                lines.push(line);
                if line.strip_prefix(indent.as_str()).map(str::trim_end) == Some("```") {
                    found.push(lines.join("\n"));
                    open = None;
                }
            }
        }
    }
    found
}

/// The number of headings at each level (`#`, `##`, `###`) outside blocks.
fn sections(text: &str) -> [usize; 3] {
    let mut counts = [0; 3];
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            for (level, count) in counts.iter_mut().enumerate() {
                if line.starts_with(&format!("{} ", "#".repeat(level + 1))) {
                    *count += 1;
                }
            }
        }
    }
    counts
}

#[test]
fn the_chinese_chapters_have_the_english_code_blocks() {
    for (english, chinese) in PAIRS {
        let (en, zh) = (blocks(&read(english)), blocks(&read(chinese)));
        for (index, (en_block, zh_block)) in en.iter().zip(&zh).enumerate() {
            assert_eq!(
                zh_block, en_block,
                "block {index} of {chinese} differs from {english}: update the translation"
            );
        }
        assert_eq!(
            zh.len(),
            en.len(),
            "{chinese} has {} code blocks, {english} {}: update the translation",
            zh.len(),
            en.len()
        );
    }
}

#[test]
fn the_chinese_chapters_have_the_english_sections() {
    for (english, chinese) in PAIRS {
        assert_eq!(
            sections(&read(chinese)),
            sections(&read(english)),
            "{chinese} and {english} have different headings: update the translation"
        );
    }
}

#[test]
fn a_changed_block_is_noticed() {
    let english = "# A\n\n```rust\nlet x = 1;\n```\n";
    let changed = "# A\n\n```rust\nlet x = 2;\n```\n";
    assert_ne!(blocks(english), blocks(changed));
    assert_eq!(blocks(english).len(), 1);
    assert_eq!(
        sections("# A\n## B\n```\n# not a heading\n```\n"),
        [1, 1, 0]
    );
}
