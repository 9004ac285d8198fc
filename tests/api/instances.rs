//! Several bantin processes on one PostgreSQL database behind a load
//! balancer, and public reads from a replica. PostgreSQL only: SQLite serves
//! one process by design.

use crate::helpers::{Engine, TestApp, CHALLENGE_ANSWER};
use serde_json::json;

fn postgres() -> bool {
    crate::helpers::use_engine(Engine::Postgres)
}

/// Both instances keep the signing secret in the database (none configured).
fn shared_secret(c: &mut bantin::config::Config) {
    c.jwt_secret = Vec::new();
    c.writes_per_minute = 6;
}

async fn beacon(app: &TestApp, visitor: &str) -> crate::helpers::Resp {
    app.request(
        actix_web::http::Method::POST,
        "/api/v1/stats/visits",
        None,
        None,
        &[("X-Visitor-Id", visitor)],
    )
    .await
}

#[actix_web::test]
async fn two_instances_share_one_postgres_database() {
    if !postgres() {
        return;
    }
    let a = TestApp::spawn_with(shared_secret).await;
    let b = a.spawn_beside(shared_secret).await;

    // A token issued by one instance is accepted by the other.
    let editor = a.token("editor").await;
    assert_eq!(b.get_as("/api/v1/auth/me", &editor).await.status, 200);

    // A write through one is visible through the other, both ways.
    let article = a
        .create_article(&editor, json!({"title": "Họp báo thị xã", "status": "published"}))
        .await;
    let path = format!("/api/v1/articles/{}", article["slug"].as_str().unwrap());
    let seen = b.get(&path).await;
    assert_eq!(seen.status, 200);
    assert_eq!(seen.json()["title"], "Họp báo thị xã");
    let res = b
        .patch(
            &format!("/api/v1/articles/{}", article["id"]),
            &editor,
            &json!({"title": "Họp báo quý III"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(a.get(&path).await.json()["title"], "Họp báo quý III");

    // Views counted in each process add up once both have flushed.
    let by_id = format!("/api/v1/articles/{}", article["id"]);
    bantin::jobs::flush_counts(&a.state);
    bantin::jobs::flush_counts(&b.state);
    let before = b.get_as(&by_id, &editor).await.json()["view_count"].as_i64().unwrap();
    for _ in 0..3 {
        assert_eq!(a.get(&path).await.status, 200);
    }
    for _ in 0..2 {
        assert_eq!(b.get(&path).await.status, 200);
    }
    assert_eq!((a.state.views.total(), b.state.views.total()), (3, 2));
    bantin::jobs::flush_counts(&a.state);
    bantin::jobs::flush_counts(&b.state);
    let after = a.get_as(&by_id, &editor).await.json()["view_count"].as_i64().unwrap();
    assert_eq!(after - before, 5);

    // Visits add up; the online count is the same on both and counts each
    // visitor once, whichever instance saw them.
    // Ids one instance issued are good on the other (they share the secret).
    let (first, second) = (a.visitor_id(), b.visitor_id());
    for _ in 0..2 {
        assert_eq!(beacon(&a, &first).await.status, 200);
    }
    assert_eq!(beacon(&b, &first).await.status, 200);
    assert_eq!(beacon(&b, &second).await.status, 200);
    bantin::jobs::flush_counts(&a.state);
    bantin::jobs::flush_counts(&b.state);
    // Each instance reuses the online count it read for a second.
    actix_web::rt::time::sleep(bantin::db::shared::SHARED_ONLINE_TTL).await;
    for app in [&a, &b] {
        let stats = app.get("/api/v1/stats").await.json();
        assert_eq!(stats["total_visits"], 4, "{stats}");
        assert_eq!(stats["online_now"], 2, "{stats}");
    }

    // The per-client write limit (6 a minute) is one allowance across both:
    // four beacons so far, two more pass, the next is refused on either.
    assert_eq!(beacon(&a, &first).await.status, 200);
    assert_eq!(beacon(&b, &first).await.status, 200);
    beacon(&a, &first).await.assert_problem(429, "rate_limited");
    beacon(&b, &first).await.assert_problem(429, "rate_limited");

    // A challenge issued by one instance is answered through the other.
    let challenge = a.post("/api/v1/challenges", None, &json!({})).await.json();
    let comment = json!({"author_name": "Trần Thị Bình", "author_email": "binh@example.vn",
        "body": "Cảm ơn thông tin.", "challenge_id": challenge["id"], "challenge_answer": CHALLENGE_ANSWER});
    let res = b
        .post(&format!("/api/v1/articles/{}/comments", article["id"]), None, &comment)
        .await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    // ... and spent for both.
    let again = a
        .post(&format!("/api/v1/articles/{}/comments", article["id"]), None, &comment)
        .await;
    again.assert_problem(422, "captcha_invalid");
}

#[actix_web::test]
async fn a_scheduled_article_is_published_exactly_once_by_two_instances() {
    if !postgres() {
        return;
    }
    let a = TestApp::spawn().await;
    let b = a.spawn_beside(|_| {}).await;
    let editor = a.token("editor").await;
    let when = a.now() + chrono::Duration::minutes(10);
    let article = a
        .create_article(
            &editor,
            json!({"title": "Lịch tiếp dân tháng 12", "status": "scheduled",
                   "published_at": when.and_utc().to_rfc3339()}),
        )
        .await;
    a.clock.advance(chrono::Duration::minutes(11));
    let now = a.now();
    // Both instances' publishing jobs run at the same moment.
    let jobs: Vec<_> = [a.state.pool.clone(), b.state.pool.clone()]
        .into_iter()
        .map(|pool| {
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                bantin::db::write_tx(&mut conn, |conn| bantin::articles::store::publish_due(conn, now)).unwrap()
            })
        })
        .collect();
    let published: usize = jobs.into_iter().map(|j| j.join().unwrap()).sum();
    assert_eq!(published, 1, "one instance publishes it, the other finds nothing to do");
    for app in [&a, &b] {
        let seen = app
            .get_as(&format!("/api/v1/articles/{}", article["id"]), &editor)
            .await
            .json();
        assert_eq!(seen["status"], "published");
    }
}

#[actix_web::test]
async fn anonymous_reads_go_to_the_replica_and_signed_in_reads_to_the_primary() {
    if !postgres() {
        return;
    }
    // A second database stands in for a replica that has not caught up:
    // what each caller sees tells which database answered.
    let replica = TestApp::spawn().await;
    let replica_url = replica.database_url.clone();
    let primary = TestApp::spawn_with(move |c| c.database_read_url = Some(replica_url)).await;
    let editor = primary.token("editor").await;
    primary
        .create_article(
            &editor,
            json!({"title": "Chỉ có trên máy chính", "status": "published"}),
        )
        .await;
    let replica_editor = replica.token("editor").await;
    replica
        .create_article(&replica_editor, json!({"title": "Đã sao chép", "status": "published"}))
        .await;

    let titles = |page: serde_json::Value| -> Vec<String> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(primary.get("/api/v1/articles").await.json()), ["Đã sao chép"]);
    assert_eq!(
        titles(primary.get_as("/api/v1/articles", &editor).await.json()),
        ["Chỉ có trên máy chính"],
        "an editor reads their own writes from the primary"
    );
    // Writes never go to the replica.
    assert_eq!(titles(replica.get("/api/v1/articles").await.json()), ["Đã sao chép"]);
}

/// A `bantin serve` process of its own, stopped (SIGTERM) when dropped.
struct Process {
    child: std::process::Child,
    base: String,
}

impl Process {
    fn serve(database_url: &str) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_bantin"))
            .arg("serve")
            .current_dir(&dir)
            .env("BANTIN_DATABASE_URL", database_url)
            .env("BANTIN_BIND", format!("127.0.0.1:{port}"))
            .env("BANTIN_VIEW_FLUSH_SECONDS", "1")
            .env("BANTIN_LOG", "warn")
            .env_remove("BANTIN_JWT_SECRET")
            .env_remove("BANTIN_DATABASE_READ_URL")
            .spawn()
            .expect("bantin starts");
        Process {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn wait_ready(&self, client: &awc::Client) {
        for _ in 0..200 {
            if let Ok(res) = client.get(format!("{}/health/ready", self.base)).send().await {
                if res.status() == 200 {
                    return;
                }
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{} never became ready", self.base);
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

#[actix_web::test]
async fn two_bantin_processes_on_one_postgres_database() {
    if !postgres() {
        return;
    }
    let schema = crate::helpers::Schema::create();
    // The first admin, as an operator makes one.
    let mut create = std::process::Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args([
            "user",
            "create",
            "--username",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env("BANTIN_DATABASE_URL", &schema.url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        writeln!(create.stdin.take().unwrap(), "{}", crate::helpers::PASSWORD).unwrap();
    }
    assert!(create.wait().unwrap().success());

    let (a, b) = (Process::serve(&schema.url), Process::serve(&schema.url));
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    a.wait_ready(&client).await;
    b.wait_ready(&client).await;
    let json = |bytes: actix_web::web::Bytes| -> serde_json::Value { serde_json::from_slice(&bytes).unwrap() };

    // Signed in through one, writing through the other.
    let mut res = client
        .post(format!("{}/api/v1/auth/login", a.base))
        .send_json(&json!({"username": "admin", "password": crate::helpers::PASSWORD}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let token = json(res.body().await.unwrap())["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut res = client
        .post(format!("{}/api/v1/articles", b.base))
        .bearer_auth(&token)
        .send_json(&json!({"title": "Hai máy chủ, một cơ sở dữ liệu", "status": "published"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let article = json(res.body().await.unwrap());
    let path = format!("/api/v1/articles/{}", article["id"]);

    // Read back through the first; views through both add up once flushed.
    for server in [&a, &a, &b] {
        let res = client.get(format!("{}{path}", server.base)).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
    let mut views = 0;
    for _ in 0..100 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        let mut res = client
            .get(format!("{}{path}", b.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        views = json(res.body().await.unwrap())["view_count"].as_i64().unwrap();
        if views == 3 {
            break;
        }
    }
    assert_eq!(views, 3, "views counted by two processes add up");
}
