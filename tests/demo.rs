mod common;

use common::TestApp;

#[actix_web::test]
async fn demo_content_is_served_like_any_other() {
    let app = TestApp::spawn().await;
    {
        let mut conn = app.state.pool.get().unwrap();
        let loaded = bantin::demo::load(&mut conn, app.now()).unwrap();
        assert_eq!(
            loaded,
            bantin::demo::Loaded {
                categories: 4,
                articles: 5
            }
        );
    }
    let list = app.get("/api/v1/articles").await.json();
    assert_eq!(list["data"].as_array().unwrap().len(), 4, "the draft stays hidden");
    let meeting = app
        .get("/api/v1/articles/thuong-truc-thi-uy-giao-ban-voi-mttq-va-cac-doan-the-6-thang-dau-nam-2022")
        .await
        .json();
    assert_eq!(meeting["published_at"], "2022-07-19T10:30:00Z");
    assert_eq!(meeting["category"]["slug"], "tin-hoat-dong");
    let captions: Vec<&str> = meeting["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["caption"].as_str().unwrap())
        .collect();
    assert!(captions.contains(&"Chủ tịch UBMTTQ thị xã Đặng Ngọc Sơn phát biểu tại hội nghị"));
    assert!(meeting["body"].as_str().unwrap().contains("Đặng Thanh Hải"));
}
