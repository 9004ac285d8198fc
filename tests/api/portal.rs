//! The rest of the portal: official documents found by their number however
//! it is typed, pages as a menu tree with a map, blocks of links, playlists
//! of songs, and the print view of an article.

use image::ImageFormat;
use serde_json::{json, Value};

use crate::files;
use crate::helpers::TestApp;
use crate::media::stored;

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post(path, Some(token), &body).await;
    assert_eq!(res.status, 201, "{path}: {}", String::from_utf8_lossy(&res.body));
    res.json()
}

fn field(page: &Value, name: &str) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[name].as_str().unwrap_or_default().to_string())
        .collect()
}

on_both_engines! {
    async fn documents_are_found_by_their_number_however_it_is_typed() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let ubnd = created(&app, &editor, "/api/v1/organizations", json!({"name": "UBND thị xã Hồng Lĩnh", "kind": "peoples_committee"})).await;
        let pdf = stored(&app, &editor, "125-qd-ubnd.pdf", &files::pdf("Quyết định 125")).await;
        let old = created(&app, &editor, "/api/v1/documents", json!({"number": "125/QĐ-UBND", "type": "decision",
            "issuer_id": ubnd["id"], "signer_name": "Nguyễn Văn A", "issued_on": "2021-03-02",
            "abstract": "Về việc thành lập Ban Chỉ đạo phòng chống dịch"})).await;
        let doc = created(&app, &editor, "/api/v1/documents", json!({"number": "125/QĐ-UBND", "type": "decision",
            "issuer_id": ubnd["id"], "issued_on": "2022-07-19", "effective_from": "2022-07-19", "field": "Khoa học - Công nghệ",
            "abstract": "Về việc kiện toàn Ban Chỉ đạo chuyển đổi số thị xã Hồng Lĩnh",
            "attachments": [{"media_id": pdf["id"], "title": "Toàn văn"}]})).await;
        created(&app, &editor, "/api/v1/documents", json!({"number": "56/KH-UBND", "type": "plan", "issuer_name": "UBND tỉnh Hà Tĩnh",
            "issued_on": "2022-05-01", "abstract": "Kế hoạch cải cách hành chính năm 2022"})).await;
        // Numbers restart every year: the slug carries the year.
        assert_eq!(old["slug"], "125-qd-ubnd-2021");
        assert_eq!(doc["slug"], "125-qd-ubnd-2022");
        assert_eq!(doc["type_name"], "Quyết định");
        assert_eq!(doc["issuer"], json!({"id": ubnd["id"], "slug": ubnd["slug"], "name": "UBND thị xã Hồng Lĩnh"}));
        assert_eq!(doc["attachments"][0]["url"], pdf["url"]);
        assert_eq!(doc["attachments"][0]["type"], "application/pdf");
        for typed in ["125/QĐ-UBND", "125/qd-ubnd", "125 QĐ UBND", "125-qd-ubnd", "125/QD"] {
            let found = app.get(&format!("/api/v1/documents?q={}", urlencode(typed))).await.json();
            assert_eq!(field(&found, "slug"), ["125-qd-ubnd-2022", "125-qd-ubnd-2021"], "{typed}");
        }
        let words = app.get(&format!("/api/v1/documents?q={}", urlencode("chuyen doi so"))).await.json();
        assert_eq!(field(&words, "slug"), ["125-qd-ubnd-2022"]);
        // Filters, newest first.
        assert_eq!(field(&app.get("/api/v1/documents").await.json(), "number"), ["125/QĐ-UBND", "56/KH-UBND", "125/QĐ-UBND"]);
        assert_eq!(field(&app.get("/api/v1/documents?year=2021").await.json(), "slug"), ["125-qd-ubnd-2021"]);
        assert_eq!(field(&app.get("/api/v1/documents?type=plan").await.json(), "slug"), ["56-kh-ubnd-2022"]);
        assert_eq!(field(&app.get(&format!("/api/v1/documents?issuer={}", ubnd["slug"].as_str().unwrap())).await.json(), "slug").len(), 2);
        assert_eq!(field(&app.get(&format!("/api/v1/documents?field={}", urlencode("Khoa học - Công nghệ"))).await.json(), "slug"), ["125-qd-ubnd-2022"]);
        app.get("/api/v1/documents?type=memo").await.assert_problem(400, "invalid_parameter");
        app.get("/api/v1/documents?year=22").await.assert_problem(400, "invalid_parameter");
        // Replaced: the new one is named.
        let replaced = app.patch(&format!("/api/v1/documents/{}", old["id"]), &editor,
            &json!({"status": "replaced", "replaced_by": doc["id"]})).await;
        assert_eq!(replaced.status, 200, "{}", String::from_utf8_lossy(&replaced.body));
        assert_eq!(replaced.json()["replaced_by"]["slug"], "125-qd-ubnd-2022");
        assert_eq!(field(&app.get("/api/v1/documents?status=replaced").await.json(), "slug"), ["125-qd-ubnd-2021"]);
        app.patch(&format!("/api/v1/documents/{}", old["id"]), &editor, &json!({"replaced_by": old["id"]})).await
            .assert_problem(422, "validation_failed");
        app.post("/api/v1/documents", Some(&editor), &json!({"number": "1/QĐ", "type": "decision", "issued_on": "2022-13-01", "abstract": "x"})).await
            .assert_problem(422, "validation_failed");
        // The unified search finds documents too; the PDF in use stays.
        let search = app.get("/api/v1/search?q=chuyen+doi+so&type=documents").await.json();
        assert_eq!(search["data"][0]["type"], "document");
        assert_eq!(search["data"][0]["title"], "Quyết định 125/QĐ-UBND");
        app.delete(&format!("/api/v1/media/{}", pdf["id"]), &editor).await.assert_problem(409, "in_use");
        let changes = app.get_as("/api/v1/changes?types=documents", &editor).await.json();
        assert!(changes["data"].as_array().unwrap().len() >= 3);
    }
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("q", text)])
        .unwrap()
        .trim_start_matches("q=")
        .to_string()
}

on_both_engines! {
    async fn pages_form_a_menu_tree_in_order_with_a_map() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let intro = created(&app, &editor, "/api/v1/pages", json!({"title": "Giới thiệu chung", "title_en": "About", "body": "<p>Thị xã Hồng Lĩnh</p><script>x()</script>", "position": 1})).await;
        assert_eq!(intro["body"], "<p>Thị xã Hồng Lĩnh</p>", "sanitised as articles are");
        created(&app, &editor, "/api/v1/pages", json!({"title": "Bản đồ hành chính", "parent_id": intro["id"], "position": 2,
            "map": {"latitude": 18.5347, "longitude": 105.7108, "zoom": 13,
                "boundary": {"type": "Polygon", "coordinates": [[[105.69, 18.52], [105.73, 18.52], [105.73, 18.55], [105.69, 18.52]]]}}})).await;
        created(&app, &editor, "/api/v1/pages", json!({"title": "Lịch sử", "parent_id": intro["id"], "position": 1})).await;
        created(&app, &editor, "/api/v1/pages", json!({"title": "Liên hệ", "position": 2})).await;
        let tree = app.get("/api/v1/pages?tree=true").await.json();
        assert_eq!(field(&tree, "title"), ["Giới thiệu chung", "Liên hệ"]);
        let children: Vec<&str> = tree["data"][0]["children"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
        assert_eq!(children, ["Lịch sử", "Bản đồ hành chính"]);
        let map = &tree["data"][0]["children"][1]["map"];
        assert_eq!(map["zoom"], 13);
        assert_eq!(map["boundary"]["type"], "Polygon");
        assert_eq!(app.get("/api/v1/pages/gioi-thieu-chung?lang=en").await.json()["title"], "About");
        // A cycle, a map off the globe, a boundary that is not GeoJSON.
        let lich_su = app.get("/api/v1/pages/lich-su").await.json();
        app.patch(&format!("/api/v1/pages/{}", intro["id"]), &editor, &json!({"parent_id": lich_su["id"]})).await
            .assert_problem(422, "validation_failed");
        let bad = app.post("/api/v1/pages", Some(&editor), &json!({"title": "x", "map": {"latitude": 95.0, "longitude": 105.7, "boundary": {"type": "Circle"}}})).await
            .assert_problem(422, "validation_failed");
        assert_eq!(bad["errors"].as_array().unwrap().len(), 2);
        app.delete(&format!("/api/v1/pages/{}", intro["id"]), &editor).await.assert_problem(409, "in_use");
    }
}

on_both_engines! {
    async fn links_and_playlists_hold_their_items_in_order() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let logo = stored(&app, &editor, "logo.png", &files::photo(200, 100, ImageFormat::Png)).await;
        let song = stored(&app, &editor, "hong-linh-que-toi.mp3", &files::mp3(300)).await;
        let group = created(&app, &editor, "/api/v1/links", json!({"name": "Liên kết website", "links": [
            {"title": "Cổng thông tin điện tử tỉnh Hà Tĩnh", "url": "https://hatinh.gov.vn", "logo": {"media_id": logo["id"]}},
            {"title": "Báo Hà Tĩnh", "url": "https://baohatinh.vn"}]})).await;
        assert_eq!(group["slug"], "lien-ket-website");
        assert_eq!(group["links"][0]["logo"]["url"], logo["url"]);
        assert_eq!(group["links"][1]["logo"], Value::Null);
        app.post("/api/v1/links", Some(&editor), &json!({"name": "x", "links": [{"title": "x", "url": "javascript:alert(1)"}]})).await
            .assert_problem(422, "validation_failed");
        let list = created(&app, &editor, "/api/v1/playlists", json!({"title": "Các ca khúc hay về Hồng Lĩnh", "tracks": [
            {"media_id": song["id"], "title": "Hồng Lĩnh quê tôi", "composer": "Nguyễn Văn Tý", "performer": "Thu Hiền"}]})).await;
        assert_eq!(list["tracks"][0]["url"], song["url"]);
        assert_eq!(list["tracks"][0]["type"], "audio/mpeg");
        assert!(list["tracks"][0]["duration_ms"].as_i64().unwrap() > 7_000);
        let wrong = app.post("/api/v1/playlists", Some(&editor), &json!({"title": "x", "tracks": [{"media_id": logo["id"], "title": "x"}]})).await
            .assert_problem(422, "validation_failed");
        assert_eq!(wrong["errors"][0]["field"], "tracks[0].media_id");
        assert_eq!(wrong["errors"][0]["code"], "media_kind");
        assert_eq!(field(&app.get("/api/v1/playlists").await.json(), "title"), ["Các ca khúc hay về Hồng Lĩnh"]);
        app.delete(&format!("/api/v1/media/{}", song["id"]), &editor).await.assert_problem(409, "in_use");
        assert_eq!(app.delete(&format!("/api/v1/playlists/{}", list["id"]), &editor).await.status, 204);
        assert_eq!(app.delete(&format!("/api/v1/media/{}", song["id"]), &editor).await.status, 204);
        let moderator = app.token("moderator").await;
        app.post("/api/v1/links", Some(&moderator), &json!({"name": "x"})).await.assert_problem(403, "forbidden");
    }
}

on_both_engines! {
    async fn an_article_prints_as_a_clean_page_with_its_photos_and_captions() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let photo = stored(&app, &editor, "hoi-nghi.jpg", &files::photo(1600, 1200, ImageFormat::Jpeg)).await;
        let article = app.create_article(&editor, json!({"title": "Hội nghị <giao ban> & tổng kết", "status": "published",
            "summary": "Sáng 19/7, Thường trực Thị ủy giao ban.", "body": "<p>Nội dung <b>chính</b>.</p>",
            "cover_image": {"media_id": photo["id"], "caption": "Toàn cảnh hội nghị"}})).await;
        let page = app.get(&format!("/api/v1/articles/{}/print", article["slug"].as_str().unwrap())).await;
        assert_eq!(page.status, 200);
        assert!(page.header("content-type").unwrap().starts_with("text/html"));
        assert!(page.header("content-security-policy").unwrap().contains("default-src 'none'"));
        let html = String::from_utf8(page.body.clone()).unwrap();
        assert!(html.contains("<h1>Hội nghị &lt;giao ban&gt; &amp; tổng kết</h1>"), "{html}");
        assert!(html.contains("<figcaption>Toàn cảnh hội nghị</figcaption>"));
        assert!(html.contains(&format!("src=\"{}\"", photo["url"].as_str().unwrap())));
        assert!(html.contains("<p>Nội dung <b>chính</b>.</p>"));
        assert!(html.contains("Cổng thông tin điện tử"), "the portal's name");
        assert!(!html.contains("<script"));
        let draft = app.create_article(&editor, json!({"title": "Nháp"})).await;
        app.get(&format!("/api/v1/articles/{}/print", draft["id"])).await.assert_problem(404, "not_found");
        assert_eq!(app.get_as(&format!("/api/v1/articles/{}/print", draft["id"]), &editor).await.status, 200);
    }
}

on_both_engines! {
    async fn every_list_takes_updated_since() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let song = stored(&app, &editor, "bai-ca.mp3", &files::mp3(50)).await;
        let bodies = |n: usize| {
            vec![
                ("/api/v1/documents", json!({"number": format!("{n}/QĐ-UBND"), "type": "decision", "issued_on": "2022-07-19", "abstract": format!("Quyết định số {n}")})),
                ("/api/v1/pages", json!({"title": format!("Trang {n}")})),
                ("/api/v1/links", json!({"name": format!("Liên kết {n}"), "links": [{"title": "Cổng tỉnh", "url": "https://hatinh.gov.vn"}]})),
                ("/api/v1/playlists", json!({"title": format!("Ca khúc {n}"), "tracks": [{"media_id": song["id"], "title": "Hồng Lĩnh quê tôi"}]})),
            ]
        };
        for (path, body) in bodies(1) {
            created(&app, &editor, path, body).await;
        }
        app.clock.advance(chrono::Duration::hours(1));
        let since = app.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let photo = stored(&app, &editor, "moi.jpg", &files::photo(64, 48, ImageFormat::Jpeg)).await;
        let mut newer = vec![("/api/v1/media", photo["id"].clone())];
        for (path, body) in bodies(2) {
            newer.push((path, created(&app, &editor, path, body).await["id"].clone()));
        }
        for (path, id) in newer {
            let all = app.get_as(path, &editor).await.json();
            assert!(all["data"].as_array().unwrap().len() >= 2, "{path}: {all}");
            let res = app.get_as(&format!("{path}?updated_since={since}"), &editor).await;
            assert_eq!(res.status, 200, "{path}: {}", String::from_utf8_lossy(&res.body));
            let ids: Vec<Value> = res.json()["data"].as_array().unwrap().iter().map(|d| d["id"].clone()).collect();
            assert_eq!(ids, [id], "{path}: only what changed since");
            app.get_as(&format!("{path}?updated_since=hom-qua"), &editor).await.assert_problem(400, "invalid_parameter");
        }
    }
}
