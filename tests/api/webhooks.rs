//! Webhooks against a real HTTP receiver on loopback: signed, in order,
//! retried, disabled when they should be, sent once, never to a private
//! address unless allowed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::TestApp;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Got {
    headers: HashMap<String, String>,
    body: String,
    json: Value,
}

/// How the receiver answers: the delivery, and how many times it came before.
type Answer = dyn Fn(&Value, usize) -> (u16, Duration) + Send + Sync;

struct Shared {
    got: Mutex<Vec<Got>>,
    tries: Mutex<HashMap<String, usize>>,
    answer: Box<Answer>,
}

/// A webhook receiver: a real HTTP server on 127.0.0.1.
struct Receiver {
    url: String,
    shared: Arc<Shared>,
    handle: actix_web::dev::ServerHandle,
}

async fn receive(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let body = String::from_utf8(body.to_vec()).unwrap();
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let delivery = req
        .headers()
        .get("bantin-delivery")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let tries = {
        let mut tries = shared.tries.lock().unwrap();
        let n = tries.entry(delivery).or_insert(0);
        *n += 1;
        *n - 1
    };
    let (status, delay) = (shared.answer)(&json, tries);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // An answer later than the sender waits is no delivery.
    if status < 300 && delay < Duration::from_millis(100) {
        shared.got.lock().unwrap().push(Got { headers, body, json });
    }
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}

impl Receiver {
    async fn start(answer: impl Fn(&Value, usize) -> (u16, Duration) + Send + Sync + 'static) -> Receiver {
        let shared = Arc::new(Shared {
            got: Mutex::new(Vec::new()),
            tries: Mutex::new(HashMap::new()),
            answer: Box::new(answer),
        });
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::post().to(receive))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks/bantin"),
            shared,
            handle,
        }
    }

    fn got(&self) -> Vec<Got> {
        self.shared.got.lock().unwrap().clone()
    }

    /// Waits until `n` deliveries were taken (at most 15 s).
    async fn wait_for(&self, n: usize) -> Vec<Got> {
        let started = Instant::now();
        loop {
            let got = self.got();
            if got.len() >= n || started.elapsed() > Duration::from_secs(15) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn tries(&self) -> usize {
        self.shared.tries.lock().unwrap().values().sum()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

async fn hook(app: &TestApp, admin: &str, url: &str, events: Value) -> Value {
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(admin),
            &json!({"name": "Cổng tỉnh", "url": url, "events": events}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

fn verify(secret: &str, got: &Got) {
    let signature = &got.headers["bantin-signature"];
    let (t, v1) = signature.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", got.body).as_bytes());
    mac.verify_slice(&hex::decode(v1).unwrap())
        .expect("the signature verifies");
    let age = chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap();
    assert!((0..60).contains(&age), "a fresh timestamp");
    assert_eq!(got.headers["bantin-delivery"], got.json["id"].to_string());
    assert_eq!(got.headers["bantin-event"], got.json["event"].as_str().unwrap());
    assert_eq!(got.headers["content-type"], "application/json");
}

fn events(got: &[Got]) -> Vec<String> {
    got.iter()
        .map(|g| g.json["event"].as_str().unwrap().to_string())
        .collect()
}

on_both_engines! {
    async fn deliveries_are_signed_and_say_what_the_public_saw() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        let receiver = Receiver::start(|_, _| (200, Duration::ZERO)).await;
        let created = hook(&app, &admin, &receiver.url, json!(["article.*"])).await;
        let secret = created["secret"].as_str().unwrap().to_string();
        assert!(secret.starts_with("whsec_"));
        let id = created["id"].as_i64().unwrap();
        assert!(app.get_as(&format!("/api/v1/webhooks/{id}"), &admin).await.json().get("secret").is_none());

        let article = app.create_article(&editor, json!({"title": "Bản nháp"})).await;
        let path = format!("/api/v1/articles/{}", article["id"]);
        // Each delivery carries the item as it is when it is made, moments
        // after the change: wait for each, as an editor's pace would.
        for (n, body) in [json!({"status": "published"}), json!({"title": "Tin chính thức"}), json!({"status": "archived"})].into_iter().enumerate() {
            assert_eq!(app.patch(&path, &editor, &body).await.status, 200);
            receiver.wait_for(n + 1).await;
        }
        assert_eq!(app.delete(&path, &editor).await.status, 204);
        // Nothing about other kinds: the hook asked for articles.
        app.post("/api/v1/tags", Some(&editor), &json!({"name": "Thời sự"})).await;
        let got = receiver.wait_for(3).await;
        assert_eq!(events(&got), ["article.published", "article.updated", "article.unpublished"]);
        for g in &got {
            verify(&secret, g);
        }
        assert_eq!(got[0].json["data"]["id"], article["id"]);
        assert_eq!(got[1].json["data"]["title"], "Tin chính thức");
        assert!(got[1].json["data"]["body"].is_string(), "the whole item");
        assert_eq!(got[2].json["data"], json!({"id": article["id"], "slug": article["slug"]}));
        let seqs: Vec<i64> = got.iter().map(|g| g.json["seq"].as_i64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
        assert!(got[0].json["occurred_at"].as_str().unwrap().ends_with('Z'));
        // An archived article deleted: the public saw nothing more.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(receiver.got().len(), 3);

        // The log of deliveries, newest first.
        let log = app.get_as(&format!("/api/v1/webhooks/{id}/deliveries"), &admin).await.json();
        let first = &log["data"][0];
        assert_eq!(first["event"], "article.unpublished");
        assert_eq!(first["state"], "delivered");
        assert_eq!(first["attempts"], 1);
        assert_eq!(first["last_status"], 200);
        assert!(first["last_duration_ms"].is_number());

        // A ping, sent at once.
        let res = app.post(&format!("/api/v1/webhooks/{id}/ping"), Some(&admin), &json!({})).await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.json()["state"], "delivered");
        let got = receiver.wait_for(4).await;
        assert_eq!(got[3].json["event"], "ping");
        verify(&secret, &got[3]);
    }
}

on_both_engines! {
    async fn failures_are_retried_and_delay_only_their_own_item() {
        let app = TestApp::spawn_with(|c| c.webhooks.timeout = Duration::from_millis(400)).await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        // Deliveries about the first tag fail twice (a 500, then no answer in
        // time); the others go through at once.
        let receiver = Receiver::start(|delivery, tries| {
            match (delivery["data"]["name"].as_str(), tries) {
                (Some("Chậm"), 0) => (500, Duration::ZERO),
                (Some("Chậm"), 1) => (200, Duration::from_millis(1500)),
                _ => (200, Duration::ZERO),
            }
        })
        .await;
        let created = hook(&app, &admin, &receiver.url, json!(["tag.created", "tag.updated"])).await;
        let slow = app.post("/api/v1/tags", Some(&editor), &json!({"name": "Chậm"})).await.json();
        app.patch(&format!("/api/v1/tags/{}", slow["id"]), &editor, &json!({"description": "Sửa"})).await;
        let quick = app.post("/api/v1/tags", Some(&editor), &json!({"name": "Nhanh"})).await.json();
        let got = receiver.wait_for(3).await;
        let order: Vec<(String, Value)> = got.iter().map(|g| (g.json["event"].as_str().unwrap().to_string(), g.json["data"]["id"].clone())).collect();
        assert_eq!(
            order,
            vec![
                ("tag.created".to_string(), quick["id"].clone()),
                ("tag.created".to_string(), slow["id"].clone()),
                ("tag.updated".to_string(), slow["id"].clone()),
            ],
            "the other tag is not held up; the slow tag's update waits for its creation"
        );
        assert_eq!(got[1].headers["bantin-delivery"], got[1].json["id"].to_string(), "the same delivery, retried");
        let log = app.get_as(&format!("/api/v1/webhooks/{}/deliveries", created["id"]), &admin).await.json();
        let retried = log["data"].as_array().unwrap().iter().find(|d| d["resource_id"] == slow["id"] && d["event"] == "tag.created").unwrap();
        assert_eq!(retried["attempts"], 3, "{retried}");
        assert_eq!(retried["state"], "delivered");
        let hook = app.get_as(&format!("/api/v1/webhooks/{}", created["id"]), &admin).await.json();
        assert_eq!(hook["failures"], 0, "a success resets the count");
        assert_eq!(hook["active"], true);
    }
}

on_both_engines! {
    async fn a_receiver_that_is_gone_or_always_failing_disables_its_hook() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        let gone = Receiver::start(|_, _| (410, Duration::ZERO)).await;
        let first = hook(&app, &admin, &gone.url, json!(["*"])).await;
        app.post("/api/v1/tags", Some(&editor), &json!({"name": "Một"})).await;
        let path = format!("/api/v1/webhooks/{}", first["id"]);
        let disabled = wait_until(|| async { app.get_as(&path, &admin).await.json() }, |h| h["active"] == false).await;
        assert_eq!(disabled["disabled_reason"], "the receiver answered 410 Gone");
        app.post("/api/v1/tags", Some(&editor), &json!({"name": "Hai"})).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(gone.tries(), 1, "nothing more is sent to it");

        // 50 failures in a row (each change fails once; retries would come later).
        let failing = Receiver::start(|_, _| (500, Duration::ZERO)).await;
        let second = hook(&app, &admin, &failing.url, json!(["tag.created"])).await;
        for i in 0..50 {
            app.post("/api/v1/tags", Some(&editor), &json!({"name": format!("Thẻ {i}")})).await;
        }
        let path = format!("/api/v1/webhooks/{}", second["id"]);
        let disabled = wait_until(|| async { app.get_as(&path, &admin).await.json() }, |h| h["active"] == false).await;
        assert_eq!(disabled["disabled_reason"], "50 failed deliveries in a row");
        let log = app.get_as(&format!("{path}/deliveries?limit=100"), &admin).await.json();
        assert!(log["data"].as_array().unwrap().iter().all(|d| d["state"] != "pending"), "nothing left owed");
        // Switched back on, it starts from now.
        let res = app.patch(&path, &admin, &json!({"active": true})).await;
        assert_eq!(res.json()["failures"], 0);
        assert_eq!(res.json()["disabled_reason"], Value::Null);
    }
}

async fn wait_until<F, Fut>(get: F, done: impl Fn(&Value) -> bool) -> Value
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let started = Instant::now();
    loop {
        let value = get().await;
        if done(&value) || started.elapsed() > Duration::from_secs(15) {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

on_both_engines! {
    async fn a_rolled_back_write_sends_nothing() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        let receiver = Receiver::start(|_, _| (200, Duration::ZERO)).await;
        hook(&app, &admin, &receiver.url, json!(["*"])).await;
        let before = app.get("/api/v1/changes/token").await.json()["token"].clone();
        // A write that recorded its change, then failed: all of it is undone.
        {
            let mut conn = app.state.pool.get().unwrap();
            let stamp = bantin::changes::Stamp::new(app.now(), bantin::changes::Actor::System);
            let mut data = bantin::articles::model::ArticleData::new(app.now());
            data.title = "Không bao giờ có".into();
            data.status = "published".into();
            data.published_at = Some(app.now());
            let result = bantin::db::write_tx(&mut conn, |conn| {
                bantin::articles::store::save(conn, None, data, Default::default(), &stamp)?;
                Err::<(), _>(bantin::db::StoreError::Conflict)
            });
            assert!(result.is_err());
        }
        // And through the API: a slug that is taken.
        let taken = app.create_article(&editor, json!({"title": "Có thật", "slug": "co-that"})).await;
        let other = app.create_article(&editor, json!({"title": "Khác"})).await;
        let res = app.patch(&format!("/api/v1/articles/{}", other["id"]), &editor, &json!({"slug": taken["slug"], "status": "published"})).await;
        res.assert_problem(409, "slug_taken");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(receiver.tries(), 0, "drafts only: the public saw nothing");
        let after = app.get(&format!("/api/v1/changes?since={}", before.as_str().unwrap())).await.json();
        assert!(after["data"].as_array().unwrap().is_empty(), "{after}");
    }
}

on_both_engines! {
    async fn two_instances_send_each_delivery_once() {
        let app = TestApp::spawn().await;
        let other = app.spawn_beside(|_| {}).await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        let receiver = Receiver::start(|_, _| (200, Duration::from_millis(5))).await;
        hook(&app, &admin, &receiver.url, json!(["tag.created"])).await;
        for i in 0..60 {
            let instance = if i % 2 == 0 { &app } else { &other };
            let res = instance.post("/api/v1/tags", Some(&editor), &json!({"name": format!("Thẻ số {i}")})).await;
            assert_eq!(res.status, 201);
        }
        let got = receiver.wait_for(60).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let got_now = receiver.got();
        assert_eq!(got_now.len(), 60, "every change once: {}", got.len());
        let mut ids: Vec<String> = got_now.iter().map(|g| g.headers["bantin-delivery"].clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 60, "no delivery sent twice");
        assert_eq!(receiver.tries(), 60);
    }
}

on_both_engines! {
    async fn private_addresses_are_refused_unless_allowed() {
        let app = TestApp::spawn_with(|c| {
            c.webhooks.allow_private = false;
            c.webhooks.allowed_hosts = vec![];
        })
        .await;
        let admin = app.token("admin").await;
        let editor = app.token("editor").await;
        let receiver = Receiver::start(|_, _| (200, Duration::ZERO)).await;
        for url in [
            receiver.url.as_str(),
            "http://localhost:9/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.7/hook",
            "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            let res = app.post("/api/v1/webhooks", Some(&admin), &json!({"name": "x", "url": url, "events": ["*"]})).await;
            let problem = res.assert_problem(422, "validation_failed");
            assert_eq!(problem["errors"][0]["code"], "address_refused", "{url}");
        }
        for url in ["ftp://example.vn/", "https://user:pw@example.vn/", "not a url"] {
            let res = app.post("/api/v1/webhooks", Some(&admin), &json!({"name": "x", "url": url, "events": ["*"]})).await;
            let problem = res.assert_problem(422, "validation_failed");
            assert_eq!(problem["errors"][0]["code"], "url", "{url}");
        }
        let res = app.post("/api/v1/webhooks", Some(&admin), &json!({"name": "x", "url": "https://hooks.example.vn/", "events": ["article.approved"]})).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "events[0]");
        // A hook that points somewhere private anyway (the address changed, the
        // rows were edited): delivery refuses to connect.
        let now = app.now();
        let mut conn = app.state.pool.get().unwrap();
        bantin::webhooks::store::create(&mut conn, bantin::webhooks::model::NewWebhook {
            name: "Cũ".into(), url: receiver.url.clone(), events: "*".into(), secret: "whsec_0123456789abcdef".into(),
            active: true, disabled_reason: None, failures: 0, cursor: 0, created_by: None, created_at: now, updated_at: now,
        }).unwrap();
        drop(conn);
        app.post("/api/v1/tags", Some(&editor), &json!({"name": "Thử"})).await;
        let log = wait_until(|| async { app.get_as("/api/v1/webhooks/1/deliveries", &admin).await.json() }, |l| l["data"][0]["attempts"] == 1).await;
        assert!(log["data"][0]["last_error"].as_str().unwrap().contains("private"), "{log}");
        assert_eq!(receiver.tries(), 0);

        // BANTIN_WEBHOOK_ALLOWED_HOSTS: only those hosts.
        let only = TestApp::spawn_with(|c| c.webhooks.allowed_hosts = vec!["127.0.0.1".into()]).await;
        let admin = only.token("admin").await;
        let res = only.post("/api/v1/webhooks", Some(&admin), &json!({"name": "x", "url": "http://localhost:9/", "events": ["*"]})).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["code"], "address_refused");
        let res = only.post("/api/v1/webhooks", Some(&admin), &json!({"name": "x", "url": receiver.url, "events": ["*"]})).await;
        assert_eq!(res.status, 201);
    }
}
