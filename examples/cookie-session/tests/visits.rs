//! The example's own test: the counter goes up through the cookie alone,
//! both routes share it, and a tampered cookie starts again at one.

use cookie_session::{AppModule, session_options};
use nestling::testing::{Test, TestClient};

#[tokio::test]
async fn counts_visits_in_the_encrypted_cookie() {
    let mut app = Test::create_testing_module::<AppModule>()
        .compile()
        .await
        .unwrap()
        .create_nest_application();
    // The seed's secret and salt: the key is derived once, here.
    app.use_secure_session(session_options());
    let client = TestClient::new(app).await.unwrap();

    let first = client.get("/visits").send().await;
    assert_eq!(first.text(), "1");
    let header = first.header("set-cookie").unwrap().to_owned();
    assert!(header.starts_with("session="), "{header}");
    assert!(
        header.ends_with("; Path=/; HttpOnly; SameSite=Lax"),
        "{header}"
    );
    assert_eq!(client.get("/visits2").send().await.text(), "2");
    assert_eq!(client.get("/visits").send().await.text(), "3");

    // One character changed: a fresh session, silently.
    let value = client.cookie("session").unwrap();
    let (head, tail) = value.split_at(10);
    let flipped = if tail.starts_with('A') { 'B' } else { 'A' };
    client.set_cookie("session", &format!("{head}{flipped}{}", &tail[1..]));
    assert_eq!(client.get("/visits").send().await.text(), "1");
}
