//! Organizations and officials: positions over time, protocol order,
//! folding search, English fallback, links that protect records.

use crate::helpers::TestApp;
use serde_json::{json, Value};

async fn org(app: &TestApp, token: &str, body: Value) -> i64 {
    let res = app.post("/api/v1/organizations", Some(token), &body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()["id"].as_i64().unwrap()
}

async fn official(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/officials", Some(token), &body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["full_name"].as_str().unwrap().to_string())
        .collect()
}

/// Thị ủy and HĐND, with three officials: one holding three positions at
/// once, one current, one former.
async fn town(app: &TestApp, token: &str) -> (i64, i64) {
    let thi_uy = org(app, token, json!({"name": "Thị ủy Hồng Lĩnh", "name_en": "Hong Linh Town Party Committee", "kind": "party_committee", "position": 1})).await;
    let hdnd = org(
        app,
        token,
        json!({"name": "HĐND thị xã Hồng Lĩnh", "kind": "peoples_council", "position": 2}),
    )
    .await;
    official(
        app,
        token,
        json!({"full_name": "Nguyễn Thăng Long", "positions": [
            {"organization_id": thi_uy, "title": "Phó Bí thư thường trực Thị ủy", "started_on": "2020-10-15", "rank": 2}
        ]}),
    )
    .await;
    official(app, token, json!({"full_name": "Đặng Thanh Hải", "email": "dthai@honglinh.hatinh.gov.vn", "office_phone": "0239 3831 234", "positions": [
        {"organization_id": thi_uy, "title": "Bí thư Thị ủy", "title_en": "Secretary of the Town Party Committee", "started_on": "2020-10-15", "rank": 1},
        {"organization_id": hdnd, "title": "Chủ tịch HĐND thị xã", "started_on": "2021-06-25", "rank": 1},
        {"organization_id": thi_uy, "title": "Phó Bí thư Thị ủy", "started_on": "2015-09-01", "ended_on": "2020-10-14", "rank": 2}
    ]})).await;
    official(app, token, json!({"full_name": "Trần Văn Cũ", "positions": [
        {"organization_id": thi_uy, "title": "Bí thư Thị ủy", "started_on": "2010-01-01", "ended_on": "2020-10-14", "rank": 1}
    ]})).await;
    (thi_uy, hdnd)
}

on_both_engines! {
    async fn officials_are_listed_in_protocol_order_with_positions_over_time() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let (thi_uy, hdnd) = town(&app, &editor).await;

        let current = app.get("/api/v1/officials").await.json();
        assert_eq!(
            names(&current),
            ["Đặng Thanh Hải", "Nguyễn Thăng Long"],
            "current officials only, protocol order"
        );
        let hai = &current["data"][0];
        assert_eq!(hai["current"], true);
        let positions: Vec<(&str, bool)> = hai["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["title"].as_str().unwrap(), p["current"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            positions,
            [
                ("Bí thư Thị ủy", true),
                ("Chủ tịch HĐND thị xã", true),
                ("Phó Bí thư Thị ủy", false)
            ]
        );
        assert_eq!(hai["email"], "dthai@honglinh.hatinh.gov.vn");

        let all = app.get("/api/v1/officials?include_former=true").await.json();
        assert_eq!(
            names(&all),
            ["Đặng Thanh Hải", "Nguyễn Thăng Long", "Trần Văn Cũ"],
            "former officials come last"
        );
        assert_eq!(all["data"][2]["current"], false);

        // By organization, in that organization's order; by id or slug; the sub-resource agrees.
        assert_eq!(
            names(&app.get(&format!("/api/v1/officials?organization={hdnd}")).await.json()),
            ["Đặng Thanh Hải"]
        );
        assert_eq!(
            names(&app.get("/api/v1/officials?organization=thi-uy-hong-linh").await.json()),
            ["Đặng Thanh Hải", "Nguyễn Thăng Long"]
        );
        assert_eq!(
            names(
                &app.get(&format!("/api/v1/organizations/{thi_uy}/officials"))
                    .await
                    .json()
            ),
            ["Đặng Thanh Hải", "Nguyễn Thăng Long"]
        );
        app.get("/api/v1/organizations/khong-co/officials")
            .await
            .assert_problem(404, "not_found");

        // Paging keeps the order.
        let first = app.get("/api/v1/officials?include_former=true&limit=2").await.json();
        assert_eq!(names(&first), ["Đặng Thanh Hải", "Nguyễn Thăng Long"]);
        let cursor = first["meta"]["next_cursor"].as_str().unwrap();
        let second = app
            .get(&format!(
                "/api/v1/officials?include_former=true&limit=2&cursor={cursor}"
            ))
            .await
            .json();
        assert_eq!(names(&second), ["Trần Văn Cũ"]);
        assert!(second["meta"]["next_cursor"].is_null());

        // A position that ends today still counts; one that ended yesterday does not.
        let long = app.get("/api/v1/officials/nguyen-thang-long").await.json();
        let today = bantin::clock::vietnam_date(app.now());
        let yesterday = today - chrono::Duration::days(1);
        let body = json!({"positions": [{"organization_id": thi_uy, "title": "Phó Bí thư thường trực Thị ủy", "started_on": "2020-10-15", "ended_on": today.to_string(), "rank": 2}]});
        app.patch(&format!("/api/v1/officials/{}", long["id"]), &editor, &body)
            .await;
        assert_eq!(
            names(&app.get("/api/v1/officials").await.json()),
            ["Đặng Thanh Hải", "Nguyễn Thăng Long"]
        );
        let body = json!({"positions": [{"organization_id": thi_uy, "title": "Phó Bí thư thường trực Thị ủy", "started_on": "2020-10-15", "ended_on": yesterday.to_string(), "rank": 2}]});
        app.patch(&format!("/api/v1/officials/{}", long["id"]), &editor, &body)
            .await;
        assert_eq!(names(&app.get("/api/v1/officials").await.json()), ["Đặng Thanh Hải"]);
    }
}

on_both_engines! {
    async fn names_are_found_with_or_without_tone_marks() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        town(&app, &editor).await;
        for q in [
            "dang thanh hai",
            "Đặng Thanh Hải",
            "DANG THANH",
            "hai",
            "thanh hai",
            "Da\u{0323}\u{0306}ng",
        ] {
            let query = serde_urlencoded::to_string([("q", q)]).unwrap();
            let found = app.get(&format!("/api/v1/officials?{query}")).await;
            assert_eq!(names(&found.json()), ["Đặng Thanh Hải"], "q={q}");
        }
        assert_eq!(
            names(&app.get("/api/v1/officials?q=long").await.json()),
            ["Nguyễn Thăng Long"]
        );
        assert!(
            names(&app.get("/api/v1/officials?q=nguyen%20hai").await.json()).is_empty(),
            "every word must match"
        );
        assert!(
            names(&app.get("/api/v1/officials?q=%25").await.json()).is_empty(),
            "LIKE wildcards are plain text"
        );
        assert_eq!(
            names(&app.get("/api/v1/officials?q=cu&include_former=true").await.json()),
            ["Trần Văn Cũ"]
        );
    }
}

on_both_engines! {
    async fn english_is_served_where_it_exists_with_vietnamese_fallback() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        town(&app, &editor).await;
        let en = app.get("/api/v1/officials/dang-thanh-hai?lang=en").await.json();
        let titles: Vec<&str> = en["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles[0], "Secretary of the Town Party Committee");
        assert_eq!(titles[1], "Chủ tịch HĐND thị xã", "no English title: Vietnamese");
        assert_eq!(
            en["positions"][0]["organization"]["name"],
            "Hong Linh Town Party Committee"
        );
        let by_header = app
            .request(
                actix_web::http::Method::GET,
                "/api/v1/organizations/thi-uy-hong-linh",
                None,
                None,
                &[("Accept-Language", "en")],
            )
            .await
            .json();
        assert_eq!(by_header["name"], "Hong Linh Town Party Committee");
        assert_eq!(by_header["name_vi"], "Thị ủy Hồng Lĩnh");
        let vi = app.get("/api/v1/organizations/thi-uy-hong-linh").await.json();
        assert_eq!(vi["name"], "Thị ủy Hồng Lĩnh");
        let hdnd = app
            .get("/api/v1/organizations/hdnd-thi-xa-hong-linh?lang=en")
            .await
            .json();
        assert_eq!(hdnd["name"], "HĐND thị xã Hồng Lĩnh");
        app.get("/api/v1/organizations/thi-uy-hong-linh?lang=fr")
            .await
            .assert_problem(400, "invalid_parameter");
    }
}

on_both_engines! {
    async fn organizations_form_a_tree_and_refuse_cycles() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let root = org(
            &app,
            &editor,
            json!({"name": "UBND thị xã", "kind": "peoples_committee"}),
        )
        .await;
        let child = org(
            &app,
            &editor,
            json!({"name": "Phòng Văn hóa - Thông tin", "kind": "department", "parent_id": root}),
        )
        .await;
        let tree = app.get("/api/v1/organizations?tree=true").await.json();
        assert_eq!(tree["data"].as_array().unwrap().len(), 1);
        assert_eq!(tree["data"][0]["children"][0]["id"], child);
        assert_eq!(
            names_of(&app.get(&format!("/api/v1/organizations?parent={root}")).await.json()),
            ["Phòng Văn hóa - Thông tin"]
        );
        assert_eq!(
            names_of(&app.get("/api/v1/organizations?kind=department").await.json()),
            ["Phòng Văn hóa - Thông tin"]
        );
        app.get("/api/v1/organizations?kind=club")
            .await
            .assert_problem(400, "invalid_parameter");
        app.patch(
            &format!("/api/v1/organizations/{root}"),
            &editor,
            &json!({"parent_id": child}),
        )
        .await
        .assert_problem(422, "validation_failed");
        app.patch(
            &format!("/api/v1/organizations/{root}"),
            &editor,
            &json!({"parent_id": root}),
        )
        .await
        .assert_problem(422, "validation_failed");
        app.delete(&format!("/api/v1/organizations/{root}"), &editor)
            .await
            .assert_problem(409, "in_use");
        assert_eq!(
            app.delete(&format!("/api/v1/organizations/{child}"), &editor)
                .await
                .status,
            204
        );
        assert_eq!(
            app.delete(&format!("/api/v1/organizations/{root}"), &editor)
                .await
                .status,
            204
        );
    }
}

fn names_of(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}

on_both_engines! {
    async fn directory_validation_errors_are_reported_and_nothing_is_stored() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let bad_org = app
            .post(
                "/api/v1/organizations",
                Some(&editor),
                &json!({"name": "", "kind": "club", "email": "khong-phai-email", "phone": "abc", "slug": "Có Dấu"}),
            )
            .await;
        let body = bad_org.assert_problem(422, "validation_failed");
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for field in ["name", "kind", "email", "phone", "slug"] {
            assert!(fields.contains(&field), "{field} missing in {body}");
        }
        let thi_uy = org(&app, &editor, json!({"name": "Thị ủy", "kind": "party_committee"})).await;
        let bad = app
            .post(
                "/api/v1/officials",
                Some(&editor),
                &json!({"full_name": "A", "photo_url": "javascript:x", "positions": [
                    {"organization_id": thi_uy, "title": "", "started_on": "2022-01-01", "ended_on": "2021-01-01"}
                ]}),
            )
            .await
            .assert_problem(422, "validation_failed");
        let codes: Vec<(&str, &str)> = bad["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        assert!(codes.contains(&("positions[0].ended_on", "ends_before_start")), "{bad}");
        assert!(codes.contains(&("positions[0].title", "required")), "{bad}");
        assert!(codes.contains(&("photo_url", "url")), "{bad}");
        app.post(
            "/api/v1/officials",
            Some(&editor),
            &json!({"full_name": "B", "positions": [{"organization_id": 999, "title": "X", "started_on": "2022-01-01"}]}),
        )
        .await
        .assert_problem(422, "validation_failed");
        app.post("/api/v1/officials", Some(&editor), &json!({"positions": []}))
            .await
            .assert_problem(422, "validation_failed");
        app.post("/api/v1/officials", Some(&editor), &json!({"full_name": "C", "positions": [{"organization_id": thi_uy, "title": "X", "started_on": "19/07/2022"}]}))
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(
            app.get("/api/v1/officials?include_former=true").await.json()["meta"]["total"],
            0,
            "nothing was stored"
        );
        let moderator = app.token("moderator").await;
        app.post(
            "/api/v1/organizations",
            Some(&moderator),
            &json!({"name": "X", "kind": "department"}),
        )
        .await
        .assert_problem(403, "forbidden");
        app.post("/api/v1/officials", None, &json!({"full_name": "X"}))
            .await
            .assert_problem(401, "unauthorized");
    }
}

on_both_engines! {
    async fn a_linked_official_cannot_be_deleted_only_marked_former() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        town(&app, &editor).await;
        let hai = app.get("/api/v1/officials/dang-thanh-hai").await.json();
        let article = app
            .create_article(
                &editor,
                json!({"title": "Bài", "status": "published", "official_ids": [hai["id"]]}),
            )
            .await;
        assert_eq!(article["officials"][0]["slug"], "dang-thanh-hai");
        app.delete("/api/v1/officials/dang-thanh-hai", &editor)
            .await
            .assert_problem(409, "in_use");
        // The official's articles.
        let theirs = app.get("/api/v1/officials/dang-thanh-hai/articles").await.json();
        assert_eq!(theirs["data"][0]["id"], article["id"]);
        assert_eq!(
            app.get("/api/v1/articles?official=dang-thanh-hai").await.json()["data"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        app.get("/api/v1/officials/khong-co/articles")
            .await
            .assert_problem(404, "not_found");
        // Unlinked, they can go.
        app.patch(
            &format!("/api/v1/articles/{}", article["id"]),
            &editor,
            &json!({"official_ids": []}),
        )
        .await;
        assert_eq!(
            app.delete("/api/v1/officials/dang-thanh-hai", &editor).await.status,
            204
        );
        app.post(
            "/api/v1/articles",
            Some(&editor),
            &json!({"title": "X", "official_ids": [12345]}),
        )
        .await
        .assert_problem(422, "validation_failed");
    }
}
