//! Status lines in cargo's style: a right-aligned, bold, coloured verb, then
//! what it is about (`     Created src/posts/mod.rs`). They go to stderr, as
//! cargo's do, coloured only on a terminal (anstream drops the colours
//! otherwise, and honours `NO_COLOR` and `CLICOLOR_FORCE`).

use std::io::Write;

use anstyle::{AnsiColor, Style};

/// The kinds of line the commands print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Created,
    Updated,
    Skipped,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Created => "Created",
            Status::Updated => "Updated",
            Status::Skipped => "Skipped",
        }
    }

    fn style(self) -> Style {
        let colour = match self {
            Status::Created | Status::Updated => AnsiColor::Green,
            Status::Skipped => AnsiColor::Yellow,
        };
        Style::new().bold().fg_color(Some(colour.into()))
    }
}

/// `     Created <what>`.
pub fn print(status: Status, what: &str) {
    let style = status.style();
    let _ = writeln!(
        anstream::stderr(),
        "{style}{:>12}{style:#} {what}",
        status.word()
    );
}

/// `error: <message>`, as cargo writes it.
pub fn error(message: &str) {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let _ = writeln!(anstream::stderr(), "{style}error{style:#}: {message}");
}

/// `warning: <message>`.
pub fn warning(message: &str) {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
    let _ = writeln!(anstream::stderr(), "{style}warning{style:#}: {message}");
}

/// `note: <message>`.
pub fn note(message: &str) {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Cyan.into()));
    let _ = writeln!(anstream::stderr(), "{style}note{style:#}: {message}");
}
