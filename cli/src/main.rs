//! `nestling`: the command-line tool of the nestling web framework, as
//! `nest` is NestJS's. `nestling new` scaffolds an MVC app that runs at
//! once; `nestling generate` adds modules, controllers, services and
//! resources to it and lists them in their module.
//!
//! * `args.rs`: the command line (clap).
//! * `new.rs`, `generate.rs`: the two commands, each building a `Plan`
//!   (`plan.rs`) of files to write and edits to make, applied at the end.
//! * `templates.rs`: the scaffold's sources, the top-level `templates/`
//!   folder embedded at build time and rendered with Tera.
//! * `edit/`: syn-based edits of the app's Rust files.
//! * `names.rs`: names checked and spelt for each use; `status.rs`: cargo's
//!   status lines; `error.rs`: the error type.
//!
//! Exit status: 0 on success, 1 when the command fails (the reason follows
//! `error:`), 2 for a command line clap cannot read.

mod args;
mod edit;
mod error;
mod generate;
mod names;
mod new;
mod plan;
mod status;
mod templates;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::New(args) => new::run(args),
        Command::Generate(args) => generate::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            status::error(&error.to_string());
            ExitCode::FAILURE
        }
    }
}
