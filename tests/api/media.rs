//! The media library: uploads of every allowed type and of disguised files,
//! photos' sizes without their metadata, serving with `Range`, duplicates,
//! files in use, and two instances sharing an S3-compatible store.

use actix_web::http::Method;
use image::ImageFormat;
use serde_json::{json, Value};

use crate::files::{self, form};
use crate::helpers::{Resp, TestApp};

pub async fn upload(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> Resp {
    upload_with(app, token, &[("file", Some(name), bytes)]).await
}

pub async fn upload_with(app: &TestApp, token: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Resp {
    let (content_type, body) = form(parts);
    app.raw(Method::POST, "/api/v1/media", Some(token), Some(&content_type), body)
        .await
}

/// Uploads and expects a new item.
pub async fn stored(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> Value {
    let res = upload(app, token, name, bytes).await;
    assert_eq!(res.status, 201, "{name}: {}", String::from_utf8_lossy(&res.body));
    res.json()
}

async fn file(app: &TestApp, url: &str) -> Resp {
    app.get(url).await
}

fn count_files(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| if e.path().is_dir() { count_files(&e.path()) } else { 1 })
        .sum()
}

on_both_engines! {
    async fn every_allowed_type_is_stored_by_its_content_whatever_its_name() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
            ("anh.jpg", files::photo(400, 300, ImageFormat::Jpeg), "image", "image/jpeg"),
            ("anh.png", files::photo(400, 300, ImageFormat::Png), "image", "image/png"),
            ("anh.webp", files::photo(400, 300, ImageFormat::WebP), "image", "image/webp"),
            ("anh.gif", files::photo(40, 30, ImageFormat::Gif), "image", "image/gif"),
            // Names that lie: the bytes decide.
            ("bai-hat.txt", files::mp3(200), "audio", "audio/mpeg"),
            ("bai-hat.m4a", files::m4a(245), "audio", "audio/mp4"),
            ("quyet-dinh.pdf", files::pdf("125/QĐ-UBND"), "document", "application/pdf"),
            ("van-ban.docx", files::docx(), "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("bang.xlsx", files::xlsx(), "document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("van-ban.odt", files::odt(), "document", "application/vnd.oasis.opendocument.text"),
        ];
        for (name, bytes, kind, mime) in &cases {
            let item = stored(&app, &editor, name, bytes).await;
            assert_eq!(item["kind"], *kind, "{name}");
            assert_eq!(item["type"], *mime, "{name}");
            assert_eq!(item["original_name"], *name);
            assert_eq!(item["size"], bytes.len());
            let original = file(&app, item["url"].as_str().unwrap()).await;
            assert_eq!(original.status, 200, "{name}");
            assert_eq!(original.header("content-type").as_deref(), Some(*mime), "{name}");
            if *kind != "image" {
                // Songs and documents are served as sent.
                assert_eq!(&original.body, bytes, "{name}");
            }
        }
        let m4a = app.get("/api/v1/media?kind=audio").await.json();
        let durations: Vec<i64> = m4a["data"].as_array().unwrap().iter().map(|m| m["duration_ms"].as_i64().unwrap()).collect();
        assert_eq!(durations[0], 245_000, "the M4A's length from its movie header");
        assert!((5_200..5_230).contains(&durations[1]), "200 MP3 frames last 5.2 s: {}", durations[1]);
        let list = app.get("/api/v1/media?limit=100").await.json();
        assert_eq!(list["data"].as_array().unwrap().len(), cases.len());
    }
}

on_both_engines! {
    async fn disguised_and_broken_files_are_refused_and_nothing_is_stored() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let jpeg = files::photo(400, 300, ImageFormat::Jpeg);
        let refused: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            ("shell.jpg", b"<?php system($_GET['c']); ?>".to_vec(), 415, "unsupported_file_type"),
            ("logo.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>"#.to_vec(), 415, "unsupported_file_type"),
            ("trang.html", b"<!doctype html><html><script>alert(1)</script></html>".to_vec(), 415, "unsupported_file_type"),
            ("cut.jpg", jpeg[..jpeg.len() / 2].to_vec(), 422, "invalid_file"),
            ("bomb.png", files::png_bomb(), 422, "invalid_file"),
            ("cut.pdf", files::pdf("x")[..40].to_vec(), 422, "invalid_file"),
            ("empty.jpg", Vec::new(), 415, "unsupported_file_type"),
        ];
        for (name, bytes, status, code) in &refused {
            let res = upload(&app, &editor, name, bytes).await;
            let problem = res.assert_problem(*status, code);
            assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()), "{name}");
        }
        let bomb = upload(&app, &editor, "bomb.png", &files::png_bomb()).await.json();
        assert!(bomb["detail"].as_str().unwrap().contains("30000"), "{bomb}");
        // No file part, an unknown part, not multipart at all.
        upload_with(&app, &editor, &[("alt", None, b"x")]).await.assert_problem(422, "validation_failed");
        upload_with(&app, &editor, &[("file", Some("a.jpg"), &jpeg), ("owner", None, b"x")]).await
            .assert_problem(422, "validation_failed");
        // Not multipart: the answer says so, not that the file's type is wrong.
        let json_body = app.post("/api/v1/media", Some(&editor), &json!({"file": "x"})).await
            .assert_problem(415, "unsupported_media_type");
        assert!(json_body["detail"].as_str().unwrap().contains("multipart/form-data"), "{json_body}");
        upload_with(&app, &editor, &[("file", Some("a.jpg"), &jpeg), ("credit", None, b"a\0b")]).await
            .assert_problem(400, "nul_in_text");
        // Readers and anonymous callers cannot upload.
        let (ct, body) = form(&[("file", Some("a.jpg"), &jpeg)]);
        app.raw(Method::POST, "/api/v1/media", None, Some(&ct), body).await.assert_problem(401, "unauthorized");
        assert_eq!(app.get("/api/v1/media").await.json()["data"], json!([]));
        assert_eq!(count_files(std::path::Path::new(&app.state.config.media.location)), 0, "nothing written");
    }
}

on_both_engines! {
    async fn a_photo_is_turned_upright_stripped_of_its_metadata_and_made_in_every_smaller_width() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        // Taken sideways: 2400 × 1800 as stored, 1800 × 2400 upright.
        let sent = files::phone_photo(2400, 1800);
        let item = upload_with(&app, &editor, &[
            ("file", Some("IMG_0042.JPG"), &sent),
            ("alt", None, "Hội trường UBND thị xã".as_bytes()),
            ("caption", None, "Toàn cảnh hội nghị".as_bytes()),
            ("credit", None, "Cổng TTĐT thị xã Hồng Lĩnh".as_bytes()),
        ]).await;
        assert_eq!(item.status, 201, "{}", String::from_utf8_lossy(&item.body));
        let item = item.json();
        assert_eq!((item["width"].as_i64(), item["height"].as_i64()), (Some(1800), Some(2400)));
        assert_eq!(item["caption"], "Toàn cảnh hội nghị");
        assert!(item["placeholder"].as_str().is_some_and(|p| p.len() > 6));
        let variants = item["variants"].as_array().unwrap();
        let names: Vec<String> = variants.iter().map(|v| v["url"].as_str().unwrap().rsplit('/').next().unwrap().to_string()).collect();
        assert_eq!(names, ["w320.webp", "w320.jpg", "w640.webp", "w640.jpg", "w1280.webp", "w1280.jpg", "original.jpg"],
            "1800 wide: no 1920, never larger than the photo");
        for variant in variants {
            let res = file(&app, variant["url"].as_str().unwrap()).await;
            assert_eq!(res.status, 200);
            assert_eq!(res.header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"));
            let picture = image::load_from_memory(&res.body).unwrap();
            assert_eq!(
                (i64::from(picture.width()), i64::from(picture.height())),
                (variant["width"].as_i64().unwrap(), variant["height"].as_i64().unwrap()),
                "{variant}"
            );
            let (w, h) = (variant["width"].as_i64().unwrap(), variant["height"].as_i64().unwrap());
            assert!((w * 4 - h * 3).abs() <= 3, "upright, 3:4 to the pixel: {w} × {h}");
            for secret in [&b"Exif"[..], b"GPS-SECRET"] {
                assert!(!res.body.windows(secret.len()).any(|w| w == secret), "{} keeps metadata", variant["url"]);
            }
        }
        // Articles refer to it by id and show its sizes; the shape of before stays.
        let article = app.create_article(&editor, json!({"title": "Hội nghị giao ban", "status": "published",
            "cover_image": {"media_id": item["id"]},
            "images": [{"media_id": item["id"], "caption": "Đại biểu dự hội nghị"}, {"url": "https://example.vn/a.jpg"}]})).await;
        let cover = &article["cover_image"];
        assert_eq!(cover["url"], item["url"]);
        assert_eq!(cover["caption"], "Toàn cảnh hội nghị", "the library's caption by default");
        assert_eq!(cover["alt"], "Hội trường UBND thị xã");
        assert_eq!((cover["width"].as_i64(), cover["height"].as_i64()), (Some(1800), Some(2400)));
        assert_eq!(cover["variants"].as_array().unwrap().len(), 6);
        assert_eq!(article["images"][0]["caption"], "Đại biểu dự hội nghị");
        assert_eq!(article["images"][1], json!({"url": "https://example.vn/a.jpg", "caption": null, "alt": null,
            "media_id": null, "width": null, "height": null, "placeholder": null, "variants": []}));
        // A media id that is not there, or not a photo.
        let song = stored(&app, &editor, "song.mp3", &files::mp3(10)).await;
        app.post("/api/v1/articles", Some(&editor), &json!({"title": "x", "cover_image": {"media_id": 999}})).await
            .assert_problem(422, "validation_failed");
        let wrong = app.post("/api/v1/articles", Some(&editor), &json!({"title": "x", "cover_image": {"media_id": song["id"]}})).await
            .assert_problem(422, "validation_failed");
        assert_eq!(wrong["errors"][0]["code"], "media_kind");
        app.post("/api/v1/articles", Some(&editor), &json!({"title": "x", "cover_image": {"media_id": item["id"], "url": "/a.jpg"}})).await
            .assert_problem(422, "validation_failed");
    }
}

on_both_engines! {
    async fn files_are_served_in_ranges_with_their_tag() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let song = files::mp3(400);
        let item = stored(&app, &editor, "Hồng Lĩnh quê tôi.mp3", &song).await;
        let url = item["url"].as_str().unwrap().to_string();
        let whole = file(&app, &url).await;
        assert_eq!(whole.header("accept-ranges").as_deref(), Some("bytes"));
        assert!(whole.header("content-disposition").unwrap().contains("UTF-8''H%E1%BB%93ng"));
        let etag = whole.header("etag").unwrap();
        let range = |r: &'static str| {
            let (app, url) = (&app, url.clone());
            async move { app.request(Method::GET, &url, None, None, &[("Range", r)]).await }
        };
        let part = range("bytes=100-199").await;
        assert_eq!(part.status, 206);
        assert_eq!(part.header("content-range"), Some(format!("bytes 100-199/{}", song.len())));
        assert_eq!(part.body, &song[100..200]);
        let tail = range("bytes=-10").await;
        assert_eq!(tail.body, &song[song.len() - 10..]);
        let open = range("bytes=150000-").await;
        assert_eq!(open.body, &song[150_000..]);
        let outside = range("bytes=9999999-").await;
        outside.assert_problem(416, "range_not_satisfiable");
        assert_eq!(outside.header("content-range"), Some(format!("bytes */{}", song.len())));
        // Several ranges: the whole file, as RFC 9110 allows.
        assert_eq!(range("bytes=0-1,5-6").await.status, 200);
        let cached = app.request(Method::GET, &url, None, None, &[("If-None-Match", etag.as_str())]).await;
        assert_eq!(cached.status, 304);
        assert_eq!(app.get(&format!("/media/{}/w640.webp", item["id"])).await.status, 404);
        assert_eq!(app.get("/media/999/original.mp3").await.status, 404);
    }
}

on_both_engines! {
    async fn the_same_file_twice_is_one_item_and_a_file_in_use_cannot_be_deleted() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let bytes = files::photo(800, 600, ImageFormat::Png);
        let first = stored(&app, &editor, "a.png", &bytes).await;
        let again = upload(&app, &editor, "copy-of-a.png", &bytes).await;
        assert_eq!(again.status, 200, "an identical upload answers the existing item");
        assert_eq!(again.json()["id"], first["id"]);
        let id = first["id"].as_i64().unwrap();
        let article = app.create_article(&editor, json!({"title": "Ảnh", "cover_image": {"media_id": id}})).await;
        let org = app.post("/api/v1/organizations", Some(&editor),
            &json!({"name": "UBND thị xã", "kind": "peoples_committee", "logo": {"media_id": id}})).await.json();
        assert_eq!(org["logo"]["media_id"], id);
        let refused = app.delete(&format!("/api/v1/media/{id}"), &editor).await.assert_problem(409, "in_use");
        let detail = refused["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("articles/{}", article["id"])) && detail.contains(&format!("organizations/{}", org["id"])), "{detail}");
        // Once nothing shows it, it goes, with its files.
        let patched = app.patch(&format!("/api/v1/articles/{}", article["id"]), &editor, &json!({"cover_image": null})).await;
        assert_eq!(patched.status, 200);
        app.delete(&format!("/api/v1/organizations/{}", org["id"]), &editor).await;
        assert_eq!(app.delete(&format!("/api/v1/media/{id}"), &editor).await.status, 204);
        assert_eq!(file(&app, first["url"].as_str().unwrap()).await.status, 404);
        assert_eq!(count_files(std::path::Path::new(&app.state.config.media.location)), 0);
        // Words change; bytes do not.
        let other = stored(&app, &editor, "b.png", &files::photo(300, 200, ImageFormat::Png)).await;
        let changed = app.patch(&format!("/api/v1/media/{}", other["id"]), &editor, &json!({"alt": "Cầu Hồng Lĩnh", "credit": null})).await;
        assert_eq!(changed.status, 200);
        assert_eq!(changed.json()["alt"], "Cầu Hồng Lĩnh");
        app.patch(&format!("/api/v1/media/{}", other["id"]), &editor, &json!({"url": "/x"})).await
            .assert_problem(422, "validation_failed");
    }
}

/// A local S3-compatible server (moto, from PyPI) for one test: started on
/// a free port, stopped when dropped. `None` when moto is not installed and
/// not required (`BANTIN_TEST_S3=required` makes its absence a failure).
pub struct S3Server {
    child: std::process::Child,
    pub endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    pub async fn start(bucket: &str) -> Option<S3Server> {
        let required = std::env::var("BANTIN_TEST_S3").as_deref() == Ok("required");
        let program = std::env::var("BANTIN_TEST_MOTO")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/st-venv/bin/moto_server").to_string());
        if !std::path::Path::new(&program).exists() {
            assert!(!required, "BANTIN_TEST_S3=required but {program} is missing");
            eprintln!("skipping: no S3-compatible server ({program}); .ci/run installs moto");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = awc::Client::default();
        for _ in 0..200 {
            if client
                .get(format!("{}/moto-api/", server.endpoint))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                // moto creates a bucket on an anonymous PUT.
                let created = client
                    .put(format!("{}/{bucket}", server.endpoint))
                    .send()
                    .await
                    .unwrap();
                assert!(
                    created.status().is_success(),
                    "creating the bucket: {}",
                    created.status()
                );
                return Some(server);
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("moto_server did not start on {}", server.endpoint);
    }
}

on_both_engines! {
    async fn two_instances_sharing_an_s3_store_serve_each_others_uploads() {
        let Some(s3) = S3Server::start("bantin-media").await else { return };
        let endpoint = s3.endpoint.clone();
        let configure = move |c: &mut bantin::config::Config| {
            c.media.location = "s3://bantin-media/honglinh".into();
            c.media.s3 = bantin::media::files::S3Settings {
                endpoint: Some(endpoint.clone()),
                region: Some("us-east-1".into()),
                access_key_id: Some("test".into()),
                secret_access_key: Some("test".into()),
            };
        };
        let first = TestApp::spawn_with(configure.clone()).await;
        let second = first.spawn_beside(configure).await;
        let editor = first.token("editor").await;
        let photo = files::photo(1000, 750, ImageFormat::Jpeg);
        let item = stored(&first, &editor, "cau.jpg", &photo).await;
        for variant in item["variants"].as_array().unwrap() {
            let url = variant["url"].as_str().unwrap();
            let (a, b) = (first.get(url).await, second.get(url).await);
            assert_eq!((a.status, b.status), (200, 200), "{url}");
            assert_eq!(a.body, b.body, "{url}");
        }
        let song = files::mp3(3000); // over 1 MB: served in slices
        let uploaded = stored(&second, &editor, "song.mp3", &song).await;
        let served = first.get(uploaded["url"].as_str().unwrap()).await;
        assert_eq!(served.body, song);
        let part = first.request(Method::GET, uploaded["url"].as_str().unwrap(), None, None, &[("Range", "bytes=1048570-1048580")]).await;
        assert_eq!(part.status, 206);
        assert_eq!(part.body, &song[1_048_570..=1_048_580]);
        // Deleted on one, gone from both.
        assert_eq!(second.delete(&format!("/api/v1/media/{}", item["id"]), &editor).await.status, 204);
        assert_eq!(first.get(item["url"].as_str().unwrap()).await.status, 404);
    }
}
