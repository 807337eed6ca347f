//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  nestling new blog                   Create the app `blog` in ./blog
  cd blog && cargo run                Serve it on http://127.0.0.1:3000
  nestling g resource posts           Add /posts: module, controller, service, views, test
  nestling generate controller admin  Add AdminController to the app

Run `nestling help <command>` for a command's options.";

const NEW_EXAMPLES: &str = "\
Examples:
  nestling new blog                           Sessions in memory, a git repository
  nestling new blog --session redis           Sessions in Redis (REDIS_URL)
  nestling new blog --session cookie          Sessions encrypted in the cookie, no store
  nestling new blog --skip-git                No git repository
  nestling new apps/blog --name blog-app      The folder apps/blog, the package blog-app
  nestling new blog --nestling-path ~/nestling  Depend on a local checkout of nestling";

const GENERATE_EXAMPLES: &str = "\
Examples:
  nestling g resource posts       src/posts/ (module, controller, service, DTOs),
                                  views/posts/, tests/posts.rs; AppModule imports PostsModule
  nestling g module billing       src/billing/mod.rs; AppModule imports BillingModule
  nestling g controller billing   src/billing/controller.rs, listed in BillingModule's
                                  controllers (in AppModule's if billing has no module)
  nestling g service billing --dry-run   Only print what would be done

Run inside an app made by `nestling new` (or any folder below it).";

/// Scaffold and grow nestling MVC apps.
#[derive(Debug, Parser)]
#[command(name = "nestling", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new app: a module, controller, service, views, public files,
    /// sessions and a test, ready for `cargo run`
    #[command(after_help = NEW_EXAMPLES)]
    New(NewArgs),
    /// Add a module, controller, service or whole resource to the app, and
    /// list it in its module
    #[command(visible_alias = "g", after_help = GENERATE_EXAMPLES)]
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The folder to create; its last part names the app
    pub path: PathBuf,
    /// The package name, when it is not the folder's name
    #[arg(long)]
    pub name: Option<String>,
    /// Where sessions are kept
    #[arg(long, value_enum, default_value_t = SessionKind::Memory)]
    pub session: SessionKind,
    /// Depend on nestling at this path (the crate, or a checkout of its
    /// repository) instead of the published version
    #[arg(long, value_name = "DIR")]
    pub nestling_path: Option<PathBuf>,
    /// Initialise a repository (skipped inside an existing git work tree)
    #[arg(long, value_enum, default_value_t = Vcs::Git)]
    pub vcs: Vcs,
    /// No git repository (the same as `--vcs none`)
    #[arg(long)]
    pub skip_git: bool,
    /// Write into the folder even if it exists, overwriting files
    #[arg(long)]
    pub force: bool,
    /// Print what would be created; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Session stores `nestling new` can set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SessionKind {
    /// `MemoryStore`: in the process, for development
    Memory,
    /// `RedisStore` (connect-redis compatible), at REDIS_URL
    Redis,
    /// `PostgresStore` (connect-pg-simple compatible), at DATABASE_URL
    Postgres,
    /// `SecureSessionOptions`: encrypted into the cookie, no store (SESSION_KEY)
    Cookie,
}

/// Version control for a new app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Vcs {
    Git,
    None,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate
    #[arg(value_enum)]
    pub schematic: Schematic,
    /// Its name, e.g. `posts` or `blog-posts` (types are `Posts..`, `BlogPosts..`)
    pub name: String,
    /// Overwrite files that already exist
    #[arg(long)]
    pub force: bool,
    /// Print what would be created and changed; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// What `nestling generate` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Schematic {
    /// A module, imported by AppModule
    #[value(alias = "mo")]
    Module,
    /// A controller, listed in its module's controllers
    #[value(alias = "co")]
    Controller,
    /// A service, listed in its module's providers
    #[value(alias = "s")]
    Service,
    /// A module with a controller (five CRUD routes), a service, DTOs,
    /// views and a test
    #[value(alias = "res")]
    Resource,
}
