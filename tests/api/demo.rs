use crate::helpers::TestApp;

on_both_engines! {
    async fn demo_content_is_served_like_any_other() {
        let app = TestApp::spawn().await;
        {
            let mut conn = app.state.pool.get().unwrap();
            let loaded = bantin::demo::load(&mut conn, app.now()).unwrap();
            assert_eq!(
                loaded,
                bantin::demo::Loaded {
                    organizations: 5,
                    officials: 3,
                    events: 1,
                    categories: 4,
                    articles: 5,
                    comments: 4,
                    ratings: 7
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
        assert_eq!(meeting["comment_count"], 3, "approved comments only");
        assert_eq!(meeting["rating"]["count"], 7);
        let comments = app
            .get("/api/v1/articles/thuong-truc-thi-uy-giao-ban-voi-mttq-va-cac-doan-the-6-thang-dau-nam-2022/comments")
            .await
            .json();
        assert_eq!(comments["data"].as_array().unwrap().len(), 2);
        assert_eq!(comments["data"][0]["replies"].as_array().unwrap().len(), 1);
    }
}

on_both_engines! {
    async fn demo_directory_and_calendar_tell_the_seed_story() {
        let app = TestApp::spawn().await;
        {
            let mut conn = app.state.pool.get().unwrap();
            bantin::demo::load(&mut conn, app.now()).unwrap();
        }
        let officials = app.get("/api/v1/officials").await.json();
        let names: Vec<&str> = officials["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["full_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["Đặng Thanh Hải", "Nguyễn Thăng Long", "Đặng Ngọc Sơn"],
            "protocol order"
        );
        let hai = &officials["data"][0];
        let titles: Vec<&str> = hai["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            titles,
            ["Bí thư Thị ủy", "Chủ tịch HĐND thị xã", "Tỉnh ủy viên"],
            "three current positions at once"
        );
        let meeting = app
            .get("/api/v1/events/hoi-nghi-giao-ban-6-thang-dau-nam-2022?include=articles")
            .await
            .json();
        let chairs: Vec<&str> = meeting["chairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["full_name"].as_str().unwrap())
            .collect();
        assert_eq!(chairs, ["Đặng Thanh Hải", "Nguyễn Thăng Long"]);
        assert_eq!(meeting["start_date"], "2022-07-19");
        assert_eq!(
            meeting["articles"][0]["slug"],
            "thuong-truc-thi-uy-giao-ban-voi-mttq-va-cac-doan-the-6-thang-dau-nam-2022"
        );
        let article = app.get("/api/v1/articles/thuong-truc-thi-uy-giao-ban-voi-mttq-va-cac-doan-the-6-thang-dau-nam-2022?include=officials,events&lang=en").await.json();
        assert_eq!(
            article["officials"][0]["title"],
            "Secretary of the Town Party Committee"
        );
        assert_eq!(article["events"][0]["slug"], "hoi-nghi-giao-ban-6-thang-dau-nam-2022");
    }
}
