use crate::helpers::{TestApp, PASSWORD};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::json;

on_both_engines! {
    async fn login_issues_tokens_that_identify_the_user() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        let res = app.login("bientap", PASSWORD).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
        let body = res.json();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        let me = app
            .get_as("/api/v1/auth/me", body["access_token"].as_str().unwrap())
            .await;
        assert_eq!(me.status, 200);
        let me = me.json();
        assert_eq!(me["username"], "bientap");
        assert_eq!(me["role"], "editor");
        assert!(me.get("password_hash").is_none());
    }
}

on_both_engines! {
    async fn wrong_password_and_unknown_user_look_the_same() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        let wrong = app.login("bientap", "sai-mat-khau-roi").await;
        let unknown = app.login("khongcoai", PASSWORD).await;
        let a = wrong.assert_problem(401, "invalid_credentials");
        let b = unknown.assert_problem(401, "invalid_credentials");
        assert_eq!(a, b);
        app.login("bientap", "")
            .await
            .assert_problem(401, "invalid_credentials");
        app.post("/api/v1/auth/login", None, &json!({"username": "bientap"}))
            .await
            .assert_problem(422, "validation_failed");
    }
}

on_both_engines! {
    async fn login_is_rate_limited_per_client() {
        let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 3).await;
        for _ in 0..3 {
            app.login("ai-do", "sai-mat-khau")
                .await
                .assert_problem(401, "invalid_credentials");
        }
        let limited = app.login("ai-do", "sai-mat-khau").await;
        limited.assert_problem(429, "rate_limited");
        let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry));
    }
}

on_both_engines! {
    async fn bad_tokens_are_401() {
        let app = TestApp::spawn().await;
        let token = app.token("editor").await;
        // No token, a wrong scheme, garbage.
        app.get("/api/v1/auth/me").await.assert_problem(401, "unauthorized");
        let basic = app
            .request(
                actix_web::http::Method::GET,
                "/api/v1/auth/me",
                None,
                None,
                &[("Authorization", "Basic YTpi")],
            )
            .await;
        basic.assert_problem(401, "unauthorized");
        assert_eq!(basic.header("www-authenticate").as_deref(), Some("Bearer"));
        app.get_as("/api/v1/auth/me", "not.a.token")
            .await
            .assert_problem(401, "unauthorized");
        // A wrong signature.
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        parts[2] = URL_SAFE_NO_PAD.encode([0u8; 32]);
        app.get_as("/api/v1/auth/me", &parts.join("."))
            .await
            .assert_problem(401, "unauthorized");
        // alg: none with the same claims.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
            token.split('.').nth(1).unwrap()
        );
        app.get_as("/api/v1/auth/me", &none)
            .await
            .assert_problem(401, "unauthorized");
        // A bad token on a public endpoint is refused too, not treated as anonymous.
        app.get_as("/api/v1/articles", "not.a.token")
            .await
            .assert_problem(401, "unauthorized");
    }
}

on_both_engines! {
    async fn expired_tokens_are_401_token_expired() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        // Tokens are signed with the app clock; one issued two hours ago has expired.
        app.clock.advance(chrono::Duration::hours(-2));
        let res = app.login("bientap", PASSWORD).await;
        let old = res.json()["access_token"].as_str().unwrap().to_string();
        app.get_as("/api/v1/auth/me", &old)
            .await
            .assert_problem(401, "token_expired");
    }
}

on_both_engines! {
    async fn tokens_of_a_deleted_user_stop_working() {
        let app = TestApp::spawn().await;
        let admin = app.token("admin").await;
        let id = app.create_user("tamthoi", "editor");
        let token = app.login("tamthoi", PASSWORD).await.json()["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(app.get_as("/api/v1/auth/me", &token).await.status, 200);
        assert_eq!(app.delete(&format!("/api/v1/users/{id}"), &admin).await.status, 204);
        app.get_as("/api/v1/auth/me", &token)
            .await
            .assert_problem(401, "unauthorized");
    }
}

on_both_engines! {
    async fn refresh_rotates_and_detects_reuse() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        let first = app.login("bientap", PASSWORD).await.json();
        let r1 = first["refresh_token"].as_str().unwrap();
        let second = app
            .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
            .await;
        assert_eq!(second.status, 200);
        let second = second.json();
        let r2 = second["refresh_token"].as_str().unwrap();
        assert_ne!(r1, r2);
        assert_eq!(
            app.get_as("/api/v1/auth/me", second["access_token"].as_str().unwrap())
                .await
                .status,
            200
        );
        // Using the spent token again is refused, and revokes the newer one too.
        app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
            .await
            .assert_problem(401, "invalid_refresh_token");
        app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r2}))
            .await
            .assert_problem(401, "invalid_refresh_token");
        app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": "unknown"}))
            .await
            .assert_problem(401, "invalid_refresh_token");
    }
}

on_both_engines! {
    async fn logout_revokes_the_refresh_token() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        let tokens = app.login("bientap", PASSWORD).await.json();
        let refresh = tokens["refresh_token"].as_str().unwrap();
        assert_eq!(
            app.post("/api/v1/auth/logout", None, &json!({"refresh_token": refresh}))
                .await
                .status,
            204
        );
        app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": refresh}))
            .await
            .assert_problem(401, "invalid_refresh_token");
        assert_eq!(
            app.post("/api/v1/auth/logout", None, &json!({"refresh_token": refresh}))
                .await
                .status,
            204,
            "idempotent"
        );
    }
}

on_both_engines! {
    async fn refresh_tokens_expire() {
        let app = TestApp::spawn().await;
        app.create_user("bientap", "editor");
        let tokens = app.login("bientap", PASSWORD).await.json();
        app.clock.advance(chrono::Duration::days(31));
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await
        .assert_problem(401, "invalid_refresh_token");
    }
}
