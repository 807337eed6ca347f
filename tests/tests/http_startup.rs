//! Apps that must refuse to start, and say why: conflicting routes (naming
//! both handlers), a `Param` whose name is not in the path, and two
//! injectors that both read the body. Every problem is reported at once.

mod common;

use nestling::prelude::*;

async fn problems<M: nestling::module::Module>() -> Vec<String> {
    let app = nestling::create::<M>()
        .await
        .expect("create should succeed");
    let error = app
        .start("127.0.0.1:0")
        .await
        .expect_err("the app should refuse to start");
    assert!(error.is_startup(), "{error}");
    assert!(!error.is_bind());
    error.problems().to_vec()
}

#[injectable]
struct FirstCatsController;

#[controller("cats")]
impl FirstCatsController {
    #[get(":id")]
    async fn find_one(&self, id: Param<u32>) -> String {
        id.to_string()
    }

    #[get("files/*")]
    async fn first_files(&self) -> &'static str {
        "files"
    }
}

#[injectable]
struct SecondCatsController;

#[controller("cats")]
impl SecondCatsController {
    #[get(":id")]
    async fn find_again(&self, id: Param<u32>) -> String {
        id.to_string()
    }

    // Express and matchit both let differently named parameters share a
    // position, so this one is no conflict.
    #[get(":name/toys")]
    async fn toys(&self, name: Param<String>) -> String {
        name.0
    }

    // An empty wildcard also matches (`/cats/files/`): the same route twice
    // is still reported once...
    #[get("files/*")]
    async fn files(&self) -> &'static str {
        "files"
    }

    // ...and two differently named wildcards at the same place conflict.
    #[get("files/*rest")]
    async fn more_files(&self) -> &'static str {
        "more files"
    }
}

#[module(controllers = [FirstCatsController, SecondCatsController])]
struct ConflictModule;

#[tokio::test]
async fn conflicting_routes_refuse_to_start_naming_both_handlers() {
    assert_eq!(
        problems::<ConflictModule>().await,
        [
            "GET /cats/:id is declared twice: by FirstCatsController::find_one and by SecondCatsController::find_again; remove one, or change one path",
            "GET /cats/files/* is declared twice: by FirstCatsController::first_files and by SecondCatsController::files; remove one, or change one path",
            "GET /cats/files/*rest (SecondCatsController::more_files) conflicts with GET /cats/files/* (FirstCatsController::first_files): the same position holds differently named parameters or wildcards; use the same name in both paths, or change one of them",
        ]
    );
}

#[injectable]
struct MisnamedController;

#[controller("dogs")]
impl MisnamedController {
    #[get(":id")]
    async fn find_one(&self, dog_id: Param<u32>) -> String {
        dog_id.to_string()
    }

    #[get]
    async fn find_all(&self, id: Param<u32>) -> String {
        id.to_string()
    }
}

#[module(controllers = [MisnamedController])]
struct MisnamedModule;

#[tokio::test]
async fn a_param_missing_from_the_path_refuses_to_start() {
    assert_eq!(
        problems::<MisnamedModule>().await,
        [
            "MisnamedController::find_one: parameter `dog_id: Param<u32>` reads the path parameter `:dog_id`, but GET /dogs/:id has none (its parameters are: :id); rename the argument, or use `Params<T>` for all of them",
            "MisnamedController::find_all: parameter `id: Param<u32>` reads the path parameter `:id`, but GET /dogs has none (the path has no parameters); rename the argument, or use `Params<T>` for all of them",
        ]
    );
}

#[injectable]
struct TwoBodiesController;

#[controller("upload")]
impl TwoBodiesController {
    #[post]
    async fn upload(&self, json: Body<serde_json::Value>, raw: RawBody) -> String {
        format!("{} {}", json.0, raw.0.len())
    }
}

#[module(controllers = [TwoBodiesController])]
struct TwoBodiesModule;

#[tokio::test]
async fn two_body_injectors_refuse_to_start() {
    assert_eq!(
        problems::<TwoBodiesModule>().await,
        [
            "TwoBodiesController::upload: the request body can be read only once, but `json: Body<serde_json::Value>`, `raw: RawBody` all read it; keep one",
        ]
    );
}

#[injectable]
struct HostlessController;

#[controller("accounts")]
impl HostlessController {
    #[get]
    async fn show(&self, account: HostParam<String>) -> String {
        account.0
    }
}

#[module(controllers = [HostlessController])]
struct HostlessModule;

#[tokio::test]
async fn a_host_param_without_a_host_pattern_refuses_to_start() {
    assert_eq!(
        problems::<HostlessModule>().await,
        [
            "HostlessController::show: parameter `account: HostParam<String>` reads the host parameter `:account`, but the controller's host pattern is not set; rename the argument or add it to `#[controller(host = \"...\")]`",
        ]
    );
}

#[module(imports = [ConflictModule, TwoBodiesModule])]
struct EverythingWrongModule;

#[tokio::test]
async fn every_problem_is_reported_at_once() {
    let problems = problems::<EverythingWrongModule>().await;
    assert_eq!(problems.len(), 4, "{problems:#?}");
    let app = nestling::create::<EverythingWrongModule>().await.unwrap();
    let message = app.into_service().unwrap_err().to_string();
    assert!(
        message.starts_with(
            "the app cannot start: 4 problems found\n  - GET /cats/:id is declared twice"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn the_global_prefix_appears_in_conflicts() {
    let mut app = nestling::create::<ConflictModule>().await.unwrap();
    app.set_global_prefix("api");
    let error = app.into_service().unwrap_err();
    assert_eq!(
        error.problems()[0],
        "GET /api/cats/:id is declared twice: by FirstCatsController::find_one and by SecondCatsController::find_again; remove one, or change one path"
    );
}
