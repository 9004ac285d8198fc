//! The one test harness: the real app on a random port, over HTTP, on a
//! fresh SQLite file per test, with a clock the test controls.
#![allow(dead_code)]

use std::sync::Arc;

use actix_web::http::header::HeaderMap;
use actix_web::http::Method;
use bantin::clock::{Clock, ManualClock};
use bantin::config::Config;
use bantin::startup::Application;
use bantin::state::AppState;
use bantin::users::model::NewUser;
use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub handle: actix_web::dev::ServerHandle,
    pub server: Option<actix_web::rt::task::JoinHandle<std::io::Result<()>>>,
    client: awc::Client,
    _dir: tempfile::TempDir,
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string())
    }

    /// Asserts a problem+json error with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "body: {}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("content-type").as_deref(), Some("application/problem+json"));
        let body = self.json();
        assert_eq!(body["code"], code, "body: {body}");
        assert_eq!(body["status"], status);
        body
    }
}

pub const PASSWORD: &str = "mat-khau-that-dai-2022";

/// The answer every test challenge expects (tests cannot read images).
pub const CHALLENGE_ANSWER: &str = "K7m2X";

/// A challenge kind with a known answer: the mechanism is pluggable, and
/// tests plug this in.
pub struct KnownAnswer;

impl bantin::challenges::ChallengeKind for KnownAnswer {
    fn name(&self) -> &'static str {
        "known_answer"
    }

    fn generate(&self) -> anyhow::Result<bantin::challenges::Generated> {
        Ok(bantin::challenges::Generated {
            answer: CHALLENGE_ANSWER.into(),
            image: "data:image/png;base64,".into(),
        })
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        if let Ok(filter) = std::env::var("BANTIN_TEST_LOG") {
            bantin::telemetry::init(&filter, bantin::config::LogFormat::Text);
        }
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_data_dir(dir.path());
        adjust(&mut config);
        let clock = Arc::new(ManualClock::new(chrono::Utc::now().naive_utc()));
        let app = Application::build_with(config, clock.clone(), Arc::new(KnownAnswer)).expect("app builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let handle = app.handle();
        let server = actix_web::rt::spawn(app.run_until_stopped());
        let client = awc::Client::builder()
            .disable_redirects()
            .timeout(std::time::Duration::from_secs(30))
            .finish();
        TestApp {
            base,
            state,
            clock,
            handle,
            server: Some(server),
            client,
            _dir: dir,
        }
    }

    /// The app's (manual) clock.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self.client.request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let mut res = match body {
            Some(body) => req.send_json(body).await,
            None => req.send().await,
        }
        .expect("request sent");
        let bytes = res.body().limit(64 * 1024 * 1024).await.expect("body read");
        Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: bytes.to_vec(),
        }
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        let mut req = self.client.request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        if let Some(ct) = content_type {
            req = req.insert_header(("Content-Type", ct));
        }
        let mut res = req.send_body(body).await.expect("request sent");
        let bytes = res.body().limit(64 * 1024 * 1024).await.expect("body read");
        Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.request(Method::GET, path, None, None, &[]).await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> Resp {
        self.request(Method::GET, path, Some(token), None, &[]).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.request(Method::POST, path, token, Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.request(Method::PATCH, path, Some(token), Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.request(Method::DELETE, path, Some(token), None, &[]).await
    }

    /// Creates a user straight in the database.
    pub fn create_user(&self, username: &str, role: &str) -> i64 {
        let hash = bantin::auth::password::hash(PASSWORD).unwrap();
        let now = self.clock.now();
        let mut conn = self.state.pool.get().unwrap();
        bantin::users::store::create(
            &mut conn,
            &NewUser {
                username,
                display_name: username,
                password_hash: &hash,
                role,
                created_at: now,
                updated_at: now,
            },
        )
        .unwrap()
        .id
    }

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"username": username, "password": password}),
        )
        .await
    }

    /// A user with this role (named after it) and a fresh access token.
    pub async fn token(&self, role: &str) -> String {
        let existing = {
            let mut conn = self.state.pool.get().unwrap();
            bantin::users::store::find_by_username(&mut conn, role).unwrap()
        };
        if existing.is_none() {
            self.create_user(role, role);
        }
        let res = self.login(role, PASSWORD).await;
        assert_eq!(res.status, 200, "login: {}", String::from_utf8_lossy(&res.body));
        res.json()["access_token"].as_str().unwrap().to_string()
    }

    /// Creates an article through the API and returns it.
    pub async fn create_article(&self, token: &str, body: Value) -> Value {
        let res = self.post("/api/v1/articles", Some(token), &body).await;
        assert_eq!(res.status, 201, "create: {}", String::from_utf8_lossy(&res.body));
        res.json()
    }

    /// Stops the server gracefully and waits for it (and its final flush).
    pub async fn stop(&mut self) {
        self.handle.stop(true).await;
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }
}
