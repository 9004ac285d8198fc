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
                    ratings: 7,
                    pages: 2,
                    link_groups: 1,
                    documents: 2,
                    playlists: 0,
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

on_both_engines! {
    async fn demo_portal_has_its_map_songs_links_and_documents() {
        let app = TestApp::spawn().await;
        {
            let mut conn = app.state.pool.get().unwrap();
            let loaded = bantin::demo::load_with_media(&mut conn, app.now(), Some(&app.state.media)).unwrap();
            assert_eq!((loaded.pages, loaded.link_groups, loaded.documents, loaded.playlists), (2, 1, 2, 1));
            let again = bantin::demo::load_with_media(&mut conn, app.now(), Some(&app.state.media)).unwrap();
            assert_eq!(again, bantin::demo::Loaded::default(), "loading twice changes nothing");
        }
        // The photos are in the library, with their variants, in the cover,
        // the gallery and the body alike.
        let article = app.get("/api/v1/articles/thuong-truc-thi-uy-giao-ban-voi-mttq-va-cac-doan-the-6-thang-dau-nam-2022").await.json();
        let cover = &article["cover_image"];
        assert!(cover["media_id"].is_i64(), "{cover}");
        assert_eq!((cover["width"].as_u64(), cover["height"].as_u64()), (Some(1600), Some(1067)));
        assert!(cover["variants"].as_array().unwrap().len() >= 4, "{cover}");
        assert_eq!(cover["caption"], "Toàn cảnh hội nghị giao ban 6 tháng đầu năm 2022");
        let mut urls: Vec<String> = vec![cover["url"].as_str().unwrap().into(), cover["variants"][0]["url"].as_str().unwrap().into()];
        for image in article["images"].as_array().unwrap() {
            assert!(image["media_id"].is_i64(), "{image}");
            let url = image["url"].as_str().unwrap();
            assert!(article["body"].as_str().unwrap().contains(&format!("src=\"{url}\"")), "the body shows the same file");
            urls.push(url.into());
        }
        for url in urls {
            let file = app.get(&url).await;
            assert_eq!(file.status, 200, "{url}");
            assert!(file.header("content-type").unwrap().starts_with("image/"), "{url}");
        }
        let map = app.get("/api/v1/pages/ban-do-thi-xa-hong-linh").await.json();
        assert_eq!(map["map"]["zoom"], 13);
        let songs = app.get("/api/v1/playlists/cac-ca-khuc-hay-ve-hong-linh").await.json();
        let tracks = songs["tracks"].as_array().unwrap();
        assert_eq!(tracks.len(), 2);
        for track in tracks {
            let file = app.get(track["url"].as_str().unwrap()).await;
            assert_eq!(file.status, 200);
            assert_eq!(file.header("content-type").as_deref(), Some("audio/mpeg"));
        }
        let ms = tracks[1]["duration_ms"].as_i64().unwrap();
        assert!((5_900..6_100).contains(&ms), "six seconds: {ms}");
        let links = app.get("/api/v1/links/lien-ket-website").await.json();
        assert_eq!(links["links"][0]["url"], "https://hatinh.gov.vn");
        let found = app.get("/api/v1/documents?q=45-KL%2FTU").await.json();
        assert_eq!(found["data"][0]["signer"]["slug"], "dang-thanh-hai");
        assert_eq!(found["data"][0]["type_name"], "Kết luận");
    }
}
