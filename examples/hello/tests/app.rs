//! The app's own tests, as a user writes them: a testing module with an
//! overridden provider, driven in-process by `TestClient`.

use hello::AppModule;
use hello::cats::Cat;
use hello::config::ConfigOptions;
use nestling::testing::Test;
use serde_json::json;

#[tokio::test]
async fn greets_with_the_configured_greeting() {
    let client = Test::create_testing_module::<AppModule>()
        .override_value(ConfigOptions {
            greeting: "Hello from the test!",
        })
        .compile()
        .await
        .unwrap()
        .client()
        .await
        .unwrap();
    let response = client.get("/").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "Hello from the test!");
}

#[tokio::test]
async fn creates_then_finds_a_cat() {
    let client = Test::create_testing_module::<AppModule>()
        .compile()
        .await
        .unwrap()
        .client()
        .await
        .unwrap();
    let created = client
        .post("/cats")
        .json(&json!({ "name": "Tom", "age": 3, "breed": "Tabby" }))
        .send()
        .await;
    assert_eq!(created.status(), 201);
    let cat: Cat = created.json();
    assert_eq!(cat.name, "Tom");

    let found = client.get(&format!("/cats/{}", cat.id)).send().await;
    assert_eq!(found.json::<Cat>(), cat);

    let missing = client.get("/cats/99").send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.text(),
        r#"{"message":"Cat #99 not found","error":"Not Found","statusCode":404}"#
    );
}
