//! Crashes and outages: a server killed in the middle of a burst of writes
//! keeps every write it acknowledged and answers again at once; a database
//! whose connections are cut answers 503 (never 500) while they are gone and
//! comes back by itself.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{current_engine, fresh_database, Engine, TestApp, CHALLENGE_ANSWER};

const SECRET: &str = "crash-test-secret-of-at-least-thirty-two-bytes";

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn bantin(dir: &std::path::Path, url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bantin"));
    cmd.current_dir(dir)
        .env("BANTIN_DATABASE_URL", url)
        .env("BANTIN_DATA_DIR", dir)
        .env("BANTIN_JWT_SECRET", SECRET)
        .env("BANTIN_TEST_CHALLENGE_ANSWER", CHALLENGE_ANSWER)
        .env("BANTIN_WRITES_PER_MINUTE", "100000")
        .env("BANTIN_COMMENTS_PER_10_MINUTES", "100000")
        .env("BANTIN_CHALLENGES_PER_MINUTE", "100000")
        .env("BANTIN_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Starts `bantin serve` and waits until it answers; how long that took.
async fn start(dir: &std::path::Path, url: &str, port: u16) -> (Server, Duration) {
    let started = Instant::now();
    let child = bantin(dir, url)
        .arg("serve")
        .env("BANTIN_BIND", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = awc::Client::default();
    loop {
        if let Ok(res) = client.get(format!("{base}/health/ready")).send().await {
            if res.status().as_u16() == 200 {
                break;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not start");
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    (Server { child, base }, started.elapsed())
}

async fn call(client: &awc::Client, method: &str, url: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let method = actix_web::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client.request(method, url);
    if let Some(token) = token {
        req = req.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let sent = match body {
        Some(body) => req.send_json(&body).await,
        None => req.send().await,
    };
    match sent {
        Ok(mut res) => {
            let bytes = res.body().limit(1 << 22).await.unwrap_or_default();
            (
                res.status().as_u16(),
                serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            )
        }
        // The server died under us: the write was not acknowledged.
        Err(_) => (0, Value::Null),
    }
}

/// One write of the burst, and what it acknowledged.
#[derive(Debug)]
enum Acked {
    Article(i64),
    Comment(i64),
    Rating,
}

async fn one_write(client: awc::Client, base: String, token: String, article: i64, i: usize) -> Option<Acked> {
    match i % 3 {
        0 => {
            let (status, body) = call(
                &client,
                "POST",
                &format!("{base}/api/v1/articles"),
                Some(&token),
                Some(json!({"title": format!("Tin số {i}"), "status": "published"})),
            )
            .await;
            (status == 201).then(|| Acked::Article(body["id"].as_i64().unwrap()))
        }
        1 => {
            let (_, challenge) = call(&client, "POST", &format!("{base}/api/v1/challenges"), None, None).await;
            let challenge = challenge["id"].as_str()?.to_string();
            let (status, body) = call(
                &client,
                "POST",
                &format!("{base}/api/v1/articles/{article}/comments"),
                None,
                Some(
                    json!({"author_name": "Bạn đọc", "author_email": "ban@example.vn", "body": format!("Ý kiến số {i}"),
                    "challenge_id": challenge, "challenge_answer": CHALLENGE_ANSWER}),
                ),
            )
            .await;
            (status == 202).then(|| Acked::Comment(body["id"].as_i64().unwrap()))
        }
        _ => {
            let (_, visit) = call(&client, "POST", &format!("{base}/api/v1/stats/visits"), None, None).await;
            let visitor = visit["visitor_id"].as_str()?.to_string();
            let res = client
                .post(format!("{base}/api/v1/articles/{article}/ratings"))
                .insert_header(("X-Visitor-Id", visitor.as_str()))
                .send_json(&json!({"score": 1 + i % 5}))
                .await;
            matches!(res, Ok(r) if r.status().as_u16() == 200).then_some(Acked::Rating)
        }
    }
}

on_both_engines! {
    async fn a_server_killed_mid_burst_keeps_every_acknowledged_write() {
        let dir = tempfile::tempdir().unwrap();
        let (url, _schema) = fresh_database(dir.path());
        let mut admin = bantin(dir.path(), &url)
            .args(["user", "create", "--username", "admin", "--role", "admin", "--password-stdin"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut admin.stdin.take().unwrap(), b"mat-khau-that-dai-2022\n").unwrap();
        assert!(admin.wait().unwrap().success());
        let port = free_port();
        let (mut server, _) = start(dir.path(), &url, port).await;
        let client = awc::Client::builder().timeout(Duration::from_secs(10)).finish();
        let base = server.base.clone();
        let (_, login) = call(&client, "POST", &format!("{base}/api/v1/auth/login"), None,
            Some(json!({"username": "admin", "password": "mat-khau-that-dai-2022"}))).await;
        let token = login["access_token"].as_str().unwrap().to_string();
        let (_, article) = call(&client, "POST", &format!("{base}/api/v1/articles"), Some(&token),
            Some(json!({"title": "Bài có bình luận", "status": "published"}))).await;
        let article = article["id"].as_i64().unwrap();

        // A burst of writes, 16 at a time, wave after wave; the server is
        // killed (SIGKILL) while a wave is in flight.
        let burst = {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            actix_web::rt::spawn(async move {
                let mut acked = Vec::new();
                for wave in 0.. {
                    let writes = (0..16).map(|i| one_write(client.clone(), base.clone(), token.clone(), article, wave * 16 + i));
                    let done: Vec<Acked> = futures_util::future::join_all(writes).await.into_iter().flatten().collect();
                    if done.is_empty() {
                        break;
                    }
                    acked.extend(done);
                }
                acked
            })
        };
        actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        let acked = burst.await.unwrap();
        assert!(acked.len() > 20, "the burst was under way: {} acknowledged", acked.len());

        // Restarted, it answers within a second, and every acknowledged write is there.
        let (server, ready_in) = start(dir.path(), &url, port).await;
        assert!(ready_in < Duration::from_secs(1), "answered {ready_in:?} after the restart");
        let base = server.base.clone();
        let (_, login) = call(&client, "POST", &format!("{base}/api/v1/auth/login"), None,
            Some(json!({"username": "admin", "password": "mat-khau-that-dai-2022"}))).await;
        let token = login["access_token"].as_str().unwrap().to_string();
        let (mut articles, mut comments, mut ratings) = (0, 0, 0);
        for write in &acked {
            match write {
                Acked::Article(id) => {
                    let (status, _) = call(&client, "GET", &format!("{base}/api/v1/articles/{id}"), Some(&token), None).await;
                    assert_eq!(status, 200, "article {id} was acknowledged");
                    articles += 1;
                }
                Acked::Comment(id) => {
                    let (status, _) = call(&client, "PATCH", &format!("{base}/api/v1/comments/{id}"), Some(&token),
                        Some(json!({"status": "approved"}))).await;
                    assert_eq!(status, 200, "comment {id} was acknowledged");
                    comments += 1;
                }
                Acked::Rating => ratings += 1,
            }
        }
        let (_, summary) = call(&client, "GET", &format!("{base}/api/v1/articles/{article}/ratings"), None, None).await;
        assert!(summary["count"].as_i64().unwrap() >= ratings, "{summary} < {ratings} acknowledged ratings");
        eprintln!(
            "crash test ({:?}): {} writes acknowledged ({articles} articles, {comments} comments, {ratings} ratings), \
             none lost; ready {ready_in:?} after the restart",
            current_engine(),
            acked.len()
        );
        let mut server = server;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
}

#[actix_web::test]
async fn cut_database_connections_are_503s_then_the_service_comes_back() {
    if !crate::helpers::use_engine(Engine::Postgres) {
        return;
    }
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let app = TestApp::spawn().await;
    bantin::demo::load(&mut app.state.pool.get().unwrap(), app.now()).unwrap();
    let name = app.schema_name().expect("a PostgreSQL schema");
    let server = crate::helpers::postgres_server().unwrap().to_string();
    async fn load(app: &TestApp) -> Vec<crate::helpers::Resp> {
        let paths = [
            "/api/v1/articles",
            "/api/v1/officials",
            "/api/v1/events",
            "/health/ready",
        ];
        let requests: Vec<_> = (0..24).map(|i| app.get(paths[i % paths.len()])).collect();
        futures_util::future::join_all(requests).await
    }
    assert!(load(&app).await.iter().all(|r| r.status == 200));

    // For about a second, every connection of this test's database is cut
    // as soon as it appears, while the load goes on.
    let cutter = std::thread::spawn(move || {
        let mut admin = diesel::PgConnection::establish(&server).unwrap();
        let until = Instant::now() + Duration::from_millis(1200);
        while Instant::now() < until {
            let _ = admin.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{name}'"
            ));
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let mut seen = std::collections::BTreeMap::new();
    while !cutter.is_finished() {
        for res in load(&app).await {
            assert!(
                res.status == 200 || res.status == 503,
                "{} {}",
                res.status,
                String::from_utf8_lossy(&res.body)
            );
            *seen.entry(res.status).or_insert(0) += 1;
        }
    }
    cutter.join().unwrap();
    // Back to normal within five seconds.
    let back = Instant::now();
    loop {
        let answers = load(&app).await;
        if answers.iter().all(|r| r.status == 200) {
            break;
        }
        assert!(answers.iter().all(|r| r.status == 200 || r.status == 503));
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "still failing after {:?}",
            back.elapsed()
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "outage test: answers while cut {seen:?}; normal again after {:?}",
        back.elapsed()
    );
}
