//! Events: range overlap in Vietnam time, work schedules, iCalendar, includes.

use crate::helpers::TestApp;
use serde_json::{json, Value};

fn slugs(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap().to_string())
        .collect()
}

async fn event(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/events", Some(token), &body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

async fn people(app: &TestApp, token: &str) -> (i64, i64, i64) {
    let org = app
        .post(
            "/api/v1/organizations",
            Some(token),
            &json!({"name": "Thị ủy Hồng Lĩnh", "kind": "party_committee", "email": "thiuy@honglinh.hatinh.gov.vn"}),
        )
        .await
        .json();
    let org_id = org["id"].as_i64().unwrap();
    let hai = app
        .post("/api/v1/officials", Some(token), &json!({"full_name": "Đặng Thanh Hải", "positions": [{"organization_id": org_id, "title": "Bí thư Thị ủy", "title_en": "Secretary", "started_on": "2020-10-15", "rank": 1}]}))
        .await
        .json();
    let long = app
        .post("/api/v1/officials", Some(token), &json!({"full_name": "Nguyễn Thăng Long", "positions": [{"organization_id": org_id, "title": "Phó Bí thư thường trực", "started_on": "2020-10-15", "rank": 2}]}))
        .await
        .json();
    (org_id, hai["id"].as_i64().unwrap(), long["id"].as_i64().unwrap())
}

on_both_engines! {
    async fn ranges_overlap_in_vietnam_time() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        // 19/7 14:00–17:00 in Hanoi is 07:00–10:00 UTC.
        event(
            &app,
            &editor,
            json!({"title": "Giao ban", "starts_at": "2022-07-19T14:00:00+07:00", "ends_at": "2022-07-19T17:00:00+07:00"}),
        )
        .await;
        // Late evening of the 19th in Vietnam is still the 19th there (but 16:30 UTC).
        event(
            &app,
            &editor,
            json!({"title": "Dạ hội", "starts_at": "2022-07-19T23:30:00+07:00"}),
        )
        .await;
        // Spans the start of the range: from the 18th to the 20th.
        event(&app, &editor, json!({"title": "Hội chợ", "starts_at": "2022-07-18T08:00:00+07:00", "ends_at": "2022-07-20T18:00:00+07:00", "category": "festival"})).await;
        // All day on the 20th only.
        let all_day = event(&app, &editor, json!({"title": "Lễ kỷ niệm", "starts_at": "2022-07-20T09:00:00+07:00", "all_day": true, "category": "ceremony"})).await;
        assert_eq!(all_day["start_date"], "2022-07-20");
        assert_eq!(all_day["end_date"], "2022-07-20");
        assert_eq!(all_day["starts_at"], "2022-07-19T17:00:00Z", "midnight in Vietnam");
        assert_eq!(
            all_day["ends_at"], "2022-07-20T17:00:00Z",
            "the next midnight, exclusive"
        );
        // Three-day all-day event, 21–23.
        let multi = event(&app, &editor, json!({"title": "Tuần văn hóa", "starts_at": "2022-07-21T00:00:00+07:00", "ends_at": "2022-07-23T00:00:00+07:00", "all_day": true})).await;
        assert_eq!(multi["end_date"], "2022-07-23");

        let range = |q: &'static str| {
            let app = &app;
            async move { slugs(&app.get(&format!("/api/v1/events?{q}")).await.json()) }
        };
        assert_eq!(
            range("from=2022-07-19&to=2022-07-19").await,
            ["hoi-cho", "giao-ban", "da-hoi"]
        );
        assert_eq!(range("from=2022-07-20&to=2022-07-20").await, ["hoi-cho", "le-ky-niem"]);
        assert_eq!(
            range("from=2022-07-22&to=2022-07-22").await,
            ["tuan-van-hoa"],
            "inside a multi-day event"
        );
        assert_eq!(range("from=2022-07-24").await, Vec::<String>::new());
        // Exact instants: an event touching the range's edge is in it.
        assert_eq!(
            range("from=2022-07-19T10:00:00Z&to=2022-07-19T12:00:00Z").await,
            ["hoi-cho", "giao-ban"]
        );
        assert_eq!(
            range("from=2022-07-19T10:00:01Z&to=2022-07-19T12:00:00Z").await,
            ["hoi-cho"]
        );
        assert_eq!(range("category=festival").await, ["hoi-cho"]);
        assert_eq!(range("sort=-starts_at&limit=2").await, ["tuan-van-hoa", "le-ky-niem"]);
        app.get("/api/v1/events?from=tomorrow")
            .await
            .assert_problem(400, "invalid_parameter");
        app.get("/api/v1/events?category=party")
            .await
            .assert_problem(400, "invalid_parameter");
        app.get("/api/v1/events?sort=title")
            .await
            .assert_problem(400, "invalid_parameter");

        // Paging by cursor walks everything once.
        let mut seen = Vec::new();
        let mut url = "/api/v1/events?limit=2".to_string();
        loop {
            let page = app.get(&url).await.json();
            seen.extend(slugs(&page));
            match page["meta"]["next_cursor"].as_str() {
                Some(c) => url = format!("/api/v1/events?limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen, ["hoi-cho", "giao-ban", "da-hoi", "le-ky-niem", "tuan-van-hoa"]);
    }
}

on_both_engines! {
    async fn upcoming_and_work_schedules() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let (_, hai, long) = people(&app, &editor).await;
        let soon = (app.now() + chrono::Duration::days(1))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let past = (app.now() - chrono::Duration::days(1))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        event(
            &app,
            &editor,
            json!({"title": "Tiếp dân", "starts_at": soon, "chairs": [hai], "category": "work_schedule"}),
        )
        .await;
        event(
            &app,
            &editor,
            json!({"title": "Họp cũ", "starts_at": past, "chairs": [long], "attendees": [hai]}),
        )
        .await;
        assert_eq!(
            slugs(&app.get("/api/v1/events?upcoming=true").await.json()),
            ["tiep-dan"]
        );
        assert_eq!(
            slugs(&app.get(&format!("/api/v1/events?official={hai}")).await.json()),
            ["hop-cu", "tiep-dan"]
        );
        assert_eq!(
            slugs(&app.get("/api/v1/events?official=nguyen-thang-long").await.json()),
            ["hop-cu"]
        );
        assert_eq!(
            slugs(
                &app.get("/api/v1/officials/dang-thanh-hai/events?upcoming=true")
                    .await
                    .json()
            ),
            ["tiep-dan"]
        );
        app.get("/api/v1/officials/khong-co/events")
            .await
            .assert_problem(404, "not_found");
        let old = app.get("/api/v1/events/hop-cu").await.json();
        assert_eq!(old["chairs"][0]["full_name"], "Nguyễn Thăng Long");
        assert_eq!(old["attendees"][0]["full_name"], "Đặng Thanh Hải");
        assert_eq!(
            app.get("/api/v1/events/hop-cu?lang=en").await.json()["attendees"][0]["title"],
            "Secretary"
        );
    }
}

on_both_engines! {
    async fn event_validation_errors_store_nothing() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let res = app
            .post("/api/v1/events", Some(&editor), &json!({"title": "Ngược", "starts_at": "2022-07-19T17:00:00+07:00", "ends_at": "2022-07-19T14:00:00+07:00"}))
            .await;
        let body = res.assert_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "ends_at");
        assert_eq!(body["errors"][0]["code"], "ends_before_start");
        let all_day_backwards = app
            .post("/api/v1/events", Some(&editor), &json!({"title": "Ngược", "all_day": true, "starts_at": "2022-07-19T00:00:00+07:00", "ends_at": "2022-07-18T00:00:00+07:00"}))
            .await;
        all_day_backwards.assert_problem(422, "validation_failed");
        let missing = app
            .post(
                "/api/v1/events",
                Some(&editor),
                &json!({"status": "maybe", "category": "party"}),
            )
            .await
            .assert_problem(422, "validation_failed");
        let fields: Vec<&str> = missing["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for field in ["title", "starts_at", "status", "category"] {
            assert!(fields.contains(&field), "{field} in {missing}");
        }
        app.post(
            "/api/v1/events",
            Some(&editor),
            &json!({"title": "X", "starts_at": "2022-07-19T14:00:00+07:00", "chairs": [999]}),
        )
        .await
        .assert_problem(422, "validation_failed");
        app.post(
            "/api/v1/events",
            Some(&editor),
            &json!({"title": "X", "starts_at": "2022-07-19T14:00:00+07:00", "organization_id": 999}),
        )
        .await
        .assert_problem(422, "validation_failed");
        app.post(
            "/api/v1/events",
            Some(&editor),
            &json!({"title": "X", "starts_at": "19/07/2022"}),
        )
        .await
        .assert_problem(422, "validation_failed");
        assert!(
            slugs(&app.get("/api/v1/events").await.json()).is_empty(),
            "nothing was stored"
        );
        // PATCH that would end before the start is refused too.
        let ok = event(
            &app,
            &editor,
            json!({"title": "Đúng", "starts_at": "2022-07-19T14:00:00+07:00", "ends_at": "2022-07-19T15:00:00+07:00"}),
        )
        .await;
        app.patch(
            &format!("/api/v1/events/{}", ok["id"]),
            &editor,
            &json!({"ends_at": "2022-07-19T13:00:00+07:00"}),
        )
        .await
        .assert_problem(422, "validation_failed");
        // An all-day event keeps its days across unrelated edits.
        let fest = event(&app, &editor, json!({"title": "Lễ hội", "all_day": true, "starts_at": "2022-07-21T08:00:00+07:00", "ends_at": "2022-07-22T08:00:00+07:00"})).await;
        let edited = app
            .patch(
                &format!("/api/v1/events/{}", fest["id"]),
                &editor,
                &json!({"location": "Quảng trường"}),
            )
            .await
            .json();
        assert_eq!(
            (edited["start_date"].clone(), edited["end_date"].clone()),
            (json!("2022-07-21"), json!("2022-07-22"))
        );
    }
}

on_both_engines! {
    async fn the_ical_feed_parses_back_field_by_field() {
        use icalendar::{Calendar, CalendarComponent, Component, EventLike};

        // UIDs are unique across portals: the host of this one's public address.
        let app = TestApp::spawn_with(|c| c.public_url = Some("https://api.honglinh.hatinh.gov.vn".into())).await;
        let editor = app.token("editor").await;
        let (org, hai, _) = people(&app, &editor).await;
        let title = "Hội nghị giao ban; đánh giá 6 tháng, triển khai nhiệm vụ 6 tháng cuối năm 2022 của Thường trực Thị ủy";
        let meeting = event(
            &app,
            &editor,
            json!({"title": title, "description": "Dòng 1\nDòng 2, có dấu phẩy", "starts_at": "2022-07-19T14:00:00+07:00",
                "ends_at": "2022-07-19T17:00:00+07:00", "location": "Hội trường Thị ủy", "organization_id": org, "chairs": [hai], "status": "done"}),
        )
        .await;
        event(&app, &editor, json!({"title": "Lễ kỷ niệm", "all_day": true, "starts_at": "2022-07-20T00:00:00+07:00", "status": "cancelled"})).await;
        let res = app.get("/api/v1/events.ics?from=2022-07-01").await;
        assert_eq!(res.status, 200);
        assert!(res.header("content-type").unwrap().starts_with("text/calendar"));
        let text = String::from_utf8(res.body.clone()).unwrap();
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line over 75 octets: {line}");
        }
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        let calendar: Calendar = text.parse().expect("a valid iCalendar document");
        let events: Vec<&icalendar::Event> = calendar
            .components
            .iter()
            .filter_map(|c| {
                if let CalendarComponent::Event(e) = c {
                    Some(e)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(events.len(), 2);
        let first = events[0];
        assert_eq!(
            first.get_uid(),
            Some(format!("event-{}@api.honglinh.hatinh.gov.vn", meeting["id"]).as_str())
        );
        assert_eq!(first.get_summary(), Some(title));
        assert_eq!(first.get_description(), Some("Dòng 1\nDòng 2, có dấu phẩy"));
        assert_eq!(first.get_location(), Some("Hội trường Thị ủy"));
        assert_eq!(first.property_value("STATUS"), Some("CONFIRMED"));
        let start = first.properties().get("DTSTART").unwrap();
        assert_eq!(start.value(), "20220719T140000");
        assert_eq!(start.params().get("TZID").map(|p| p.value()), Some("Asia/Ho_Chi_Minh"));
        assert_eq!(first.properties().get("DTEND").unwrap().value(), "20220719T170000");
        assert!(first.properties().get("DTSTAMP").unwrap().value().ends_with('Z'));
        assert!(first
            .property_value("ORGANIZER")
            .unwrap()
            .contains("mailto:thiuy@honglinh.hatinh.gov.vn"));
        let second = events[1];
        let start = second.properties().get("DTSTART").unwrap();
        assert_eq!(start.value(), "20220720");
        assert_eq!(start.params().get("VALUE").map(|p| p.value()), Some("DATE"));
        assert_eq!(second.properties().get("DTEND").unwrap().value(), "20220721");
        assert_eq!(second.property_value("STATUS"), Some("CANCELLED"));
        // One leader's schedule.
        let theirs: Calendar = String::from_utf8(
            app.get(&format!("/api/v1/events.ics?official={hai}&from=2022-07-01"))
                .await
                .body,
        )
        .unwrap()
        .parse()
        .unwrap();
        assert_eq!(
            theirs
                .components
                .iter()
                .filter(|c| matches!(c, CalendarComponent::Event(_)))
                .count(),
            1
        );
        app.get("/api/v1/events.ics?official=khong-co")
            .await
            .assert_problem(404, "not_found");
    }
}

on_both_engines! {
    async fn includes_cost_a_fixed_number_of_queries() {
        let app = TestApp::spawn().await;
        let editor = app.token("editor").await;
        let (_, hai, long) = people(&app, &editor).await;
        let mut event_ids = Vec::new();
        for i in 0..6 {
            let e = event(&app, &editor, json!({"title": format!("Sự kiện {i}"), "starts_at": format!("2022-07-{:02}T08:00:00+07:00", 10 + i), "chairs": [hai], "attendees": [long]})).await;
            event_ids.push(e["id"].as_i64().unwrap());
        }
        for (i, e) in event_ids.iter().enumerate() {
            app.create_article(
                &editor,
                json!({"title": format!("Bài {i}"), "status": "published", "official_ids": [hai, long], "event_ids": [e]}),
            )
            .await;
        }
        let count = |path: String| {
            let app = &app;
            async move {
                let before = app.state.queries.get();
                let res = app.get(&path).await;
                assert_eq!(res.status, 200);
                (app.state.queries.get() - before, res.json())
            }
        };
        let (small, page) = count("/api/v1/articles?limit=2&include=officials,events".to_string()).await;
        assert_eq!(page["data"][0]["officials"].as_array().unwrap().len(), 2);
        assert_eq!(
            page["data"][0]["officials"][0]["full_name"], "Đặng Thanh Hải",
            "protocol order"
        );
        assert_eq!(page["data"][0]["events"].as_array().unwrap().len(), 1);
        let (large, page) = count("/api/v1/articles?limit=6&include=officials,events".to_string()).await;
        assert_eq!(page["data"].as_array().unwrap().len(), 6);
        assert_eq!(small, large, "the same number of queries for 2 and 6 articles");
        let (events_small, _) = count("/api/v1/events?limit=2&include=articles".to_string()).await;
        let (events_large, page) = count("/api/v1/events?limit=6&include=articles".to_string()).await;
        assert_eq!(page["data"][5]["articles"].as_array().unwrap().len(), 1);
        assert_eq!(
            events_small, events_large,
            "the same number of queries for 2 and 6 events"
        );
        app.get("/api/v1/articles?include=comments")
            .await
            .assert_problem(400, "invalid_parameter");
        app.get("/api/v1/events?include=officials")
            .await
            .assert_problem(400, "invalid_parameter");
        // Drafts stay out of an event's public articles.
        let draft = app
            .create_article(&editor, json!({"title": "Nháp", "event_ids": [event_ids[0]]}))
            .await;
        let public = app
            .get(&format!("/api/v1/events/{}?include=articles", event_ids[0]))
            .await
            .json();
        assert!(public["articles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["id"] != draft["id"]));
        let as_editor = app
            .get_as(&format!("/api/v1/events/{}?include=articles", event_ids[0]), &editor)
            .await
            .json();
        assert!(as_editor["articles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == draft["id"]));
    }
}
