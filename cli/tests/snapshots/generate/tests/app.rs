//! The app as a browser sees it, in-process: `TestClient` keeps cookies, so
//! the session carries from one request to the next.

use nestling::testing::{Test, TestClient};

use demo::AppModule;

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
async fn the_home_page_greets_and_counts_visits() {
    let client = client().await;
    let first = client.get("/").send().await;
    assert_eq!(first.status(), 200);
    assert!(first.text().contains("Hello World!"));
    assert!(first.text().contains("<strong>1</strong>"));
    assert!(client.cookie("connect.sid").is_some());

    let second = client.get("/").send().await;
    assert!(second.text().contains("<strong>2</strong>"));
}

#[tokio::test]
async fn the_stylesheet_is_served() {
    let client = client().await;
    let css = client.get("/static/css/app.css").send().await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
}

#[tokio::test]
async fn an_unknown_page_is_a_404() {
    let client = client().await;
    assert_eq!(client.get("/nowhere").send().await.status(), 404);
}
