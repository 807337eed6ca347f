//! The posts resource through its five routes, in-process.

use nestling::testing::{Test, TestClient};

use demo::AppModule;
use demo::posts::Post;

async fn client() -> TestClient {
    let mut app = Test::create_testing_module::<AppModule>()
        .compile()
        .await
        .expect("the app starts")
        .create_nest_application();
    demo::setup(&mut app).await.expect("the app sets up");
    TestClient::new(app).await.expect("the app serves")
}

#[tokio::test]
async fn creates_lists_shows_updates_and_deletes() {
    let client = client().await;
    let empty = client.get("/posts").send().await;
    assert!(empty.text().contains("No posts yet."));

    let form = [("name", "First")];
    let created = client.post("/posts").form(&form).send().await;
    assert_eq!(created.status(), 303);
    assert_eq!(created.header("location"), Some("/posts/1"));

    let list = client.get("/posts").send().await;
    assert!(list.text().contains(r#"<a href="/posts/1">First</a>"#));
    let page = client.get("/posts/1").send().await;
    assert_eq!(page.status(), 200);
    assert!(page.text().contains("<h1>First</h1>"));

    let form = [("name", "Renamed")];
    let updated = client.patch("/posts/1").form(&form).send().await;
    assert_eq!(updated.json::<Post>().name, "Renamed");

    let deleted = client.delete("/posts/1").send().await;
    assert_eq!(deleted.json::<Post>().name, "Renamed");
    assert_eq!(client.get("/posts/1").send().await.status(), 404);
}

#[tokio::test]
async fn refuses_a_bad_id_and_a_bad_body() {
    let client = client().await;
    assert_eq!(client.get("/posts/abc").send().await.status(), 400);
    let form = [("title", "x")];
    let no_name = client.post("/posts").form(&form).send().await;
    assert_eq!(no_name.status(), 400);
}
