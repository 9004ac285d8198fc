//! The one test harness: the real app on a random port, over HTTP, on a
//! fresh database per test, with a clock the test controls.
//!
//! Every test written with [`on_both_engines!`] runs twice: on a fresh
//! SQLite file and on a fresh PostgreSQL schema. The PostgreSQL server is
//! `BANTIN_TEST_POSTGRES_URL` (default `postgres://127.0.0.1:5432/test`);
//! when it cannot be reached those runs pass without doing anything and one
//! notice says so, unless `BANTIN_TEST_POSTGRES=required` (as in CI), which
//! makes them fail instead.
#![allow(dead_code)]

use std::cell::Cell;
use std::io::Write as _;
use std::sync::{Arc, OnceLock};

use actix_web::http::header::HeaderMap;
use actix_web::http::Method;
use bantin::clock::{Clock, ManualClock};
use bantin::config::Config;
use bantin::startup::Application;
use bantin::state::AppState;
use bantin::users::model::NewUser;
use serde_json::Value;

/// Runs a test on SQLite and on PostgreSQL: `name::sqlite`, `name::postgres`.
#[allow(unused_macros)]
macro_rules! on_both_engines {
    ($(#[$meta:meta])* async fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            #[actix_web::test]
            async fn sqlite() {
                $crate::helpers::use_engine($crate::helpers::Engine::Sqlite);
                $body
            }

            $(#[$meta])*
            #[actix_web::test]
            async fn postgres() {
                if !$crate::helpers::use_engine($crate::helpers::Engine::Postgres) {
                    return;
                }
                $body
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

thread_local! {
    static ENGINE: Cell<Engine> = const { Cell::new(Engine::Sqlite) };
}

/// Selects the engine the next apps on this thread use; false when it is
/// PostgreSQL and there is none to use (the run is then skipped).
pub fn use_engine(engine: Engine) -> bool {
    ENGINE.with(|e| e.set(engine));
    engine == Engine::Sqlite || postgres_server().is_some()
}

pub fn current_engine() -> Engine {
    ENGINE.with(Cell::get)
}

/// The PostgreSQL server tests create their schemas on, checked once per
/// test binary.
pub fn postgres_server() -> Option<&'static str> {
    static SERVER: OnceLock<Option<String>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            use diesel::Connection;
            let url =
                std::env::var("BANTIN_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://127.0.0.1:5432/test".into());
            let required = std::env::var("BANTIN_TEST_POSTGRES").is_ok_and(|v| v == "required");
            match diesel::PgConnection::establish(&url) {
                Ok(_) => Some(url),
                Err(e) if required => panic!("BANTIN_TEST_POSTGRES=required but {url} cannot be reached: {e}"),
                Err(e) => {
                    // Written past the test harness's capture, once, so that a
                    // plain `cargo test` says what it did not run.
                    let _ = writeln!(
                        std::io::stderr(),
                        "\nnote: the PostgreSQL runs of these tests were SKIPPED ({url}: {}).\n      \
                         Start PostgreSQL or set BANTIN_TEST_POSTGRES_URL to run them; \
                         BANTIN_TEST_POSTGRES=required makes a missing server an error.",
                        e.to_string().lines().next().unwrap_or("").trim()
                    );
                    None
                }
            }
        })
        .as_deref()
}

/// A PostgreSQL schema of its own for one test, dropped with it.
pub struct Schema {
    server: String,
    pub name: String,
    pub url: String,
}

impl Schema {
    pub fn create() -> Schema {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let server = postgres_server().expect("a PostgreSQL server").to_string();
        let name = format!("t_{}", hex::encode(rand::random::<[u8; 8]>()));
        let mut conn = diesel::PgConnection::establish(&server).unwrap();
        conn.batch_execute(&format!("CREATE SCHEMA {name}")).unwrap();
        let sep = if server.contains('?') { '&' } else { '?' };
        // The application name lets a test find (and cut) its own connections.
        let url = format!("{server}{sep}options=-csearch_path%3D{name}&application_name={name}");
        Schema { server, name, url }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.server) {
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// A fresh database URL for the current engine, kept alive by the guard.
pub fn fresh_database(dir: &std::path::Path) -> (String, Option<Schema>) {
    match current_engine() {
        Engine::Sqlite => (dir.join("bantin.db").to_string_lossy().into_owned(), None),
        Engine::Postgres => {
            let schema = Schema::create();
            (schema.url.clone(), Some(schema))
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub handle: actix_web::dev::ServerHandle,
    pub server: Option<actix_web::rt::task::JoinHandle<std::io::Result<()>>>,
    client: awc::Client,
    /// The database this app was started on.
    pub database_url: String,
    _schema: Option<Schema>,
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

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        Self::start(adjust, None).await
    }

    /// Another instance on this app's database, sharing its clock: what a
    /// load balancer in front of two bantin processes sees.
    pub async fn spawn_beside(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let url = self.database_url.clone();
        Self::start(
            move |c| {
                c.database_url = url;
                adjust(c)
            },
            Some(self.clock.clone()),
        )
        .await
    }

    async fn start(adjust: impl FnOnce(&mut Config), clock: Option<Arc<ManualClock>>) -> TestApp {
        if let Ok(filter) = std::env::var("BANTIN_TEST_LOG") {
            bantin::telemetry::init(&filter, bantin::config::LogFormat::Text);
        }
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_data_dir(dir.path());
        let (url, schema) = match clock {
            Some(_) => (String::new(), None),
            None => fresh_database(dir.path()),
        };
        config.database_url = url;
        // Webhooks go to the tests' own receivers on loopback, and nowhere else.
        config.webhooks.allowed_hosts = vec!["127.0.0.1".into()];
        config.webhooks.allow_private = true;
        config.webhooks.timeout = std::time::Duration::from_secs(2);
        config.webhooks.retry_base = std::time::Duration::from_millis(100);
        config.webhooks.poll = std::time::Duration::from_millis(100);
        // Most tests read their own writes' counters at once; the response
        // cache (5 s for counters) has tests of its own.
        config.cache_mb = 0;
        adjust(&mut config);
        let database_url = config.database_url.clone();
        let clock = clock.unwrap_or_else(|| Arc::new(ManualClock::new(chrono::Utc::now().naive_utc())));
        let app = Application::build_with(
            config,
            clock.clone(),
            Arc::new(bantin::challenges::FixedAnswer(CHALLENGE_ANSWER.into())),
        )
        .expect("app builds");
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
            database_url,
            _schema: schema,
            _dir: dir,
        }
    }

    /// The PostgreSQL schema (and application name) this app's database is, if any.
    pub fn schema_name(&self) -> Option<String> {
        self._schema.as_ref().map(|s| s.name.clone())
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

    /// A visitor id as the visit beacon issues them (signed by this server).
    pub fn visitor_id(&self) -> String {
        self.state.visitors.issue()
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
