//! `/metrics` in the Prometheus text format, off the public path.

use actix_web::http::Method;

use crate::helpers::TestApp;

/// Every sample line of the text format 0.0.4: a name, labels, a value.
fn samples(text: &str) -> Vec<&str> {
    let line = regex::Regex::new(
        r#"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$"#,
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .inspect(|l| assert!(line.is_match(l), "not Prometheus text: {l}"))
        .collect()
}

#[actix_web::test]
async fn metrics_scrape_in_prometheus_text_to_loopback_or_a_token_only() {
    crate::helpers::use_engine(crate::helpers::Engine::Sqlite);
    let app = TestApp::spawn_with(|c| {
        c.metrics_token = Some("mot-ma-bi-mat-de-doc-so-lieu".into());
        c.cache_mb = 8;
    })
    .await;
    app.get("/api/v1/articles").await;
    app.get("/api/v1/articles").await;
    app.get("/api/v1/articles/khong-co").await;
    app.get("/api/v1/search?q=hoi+nghi").await;
    // A method a client made up is counted as `other`, not as a series of its own.
    let brew = Method::from_bytes(b"BREW").unwrap();
    app.request(brew, "/api/v1/articles", None, None, &[]).await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status, 200);
    assert!(res
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = String::from_utf8(res.body.clone()).unwrap();
    let lines = samples(&text);
    let has = |prefix: &str| lines.iter().any(|l| l.starts_with(prefix));
    assert!(
        lines.iter().any(|l| l.starts_with("http_requests_total{")
            && l.contains(r#"route="/api/v1/articles/{id_or_slug}""#)
            && l.contains(r#"status="404""#)),
        "{text}"
    );
    assert!(has("http_request_duration_seconds_bucket{"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("http_requests_total{") && l.contains(r#"method="other""#)),
        "{text}"
    );
    assert!(!text.contains("BREW"), "{text}");
    assert!(has("bantin_db_connections{"));
    assert!(has("bantin_db_waiting"));
    assert!(has("bantin_cache_hits_total") && has("bantin_cache_misses_total"));
    assert!(has("bantin_webhook_queue"));
    assert!(has("bantin_search_duration_seconds_bucket"));
    // Through a proxy, or from elsewhere: the token, or nothing.
    let proxied = [("X-Forwarded-For", "203.0.113.9")];
    app.request(Method::GET, "/metrics", None, None, &proxied)
        .await
        .assert_problem(403, "forbidden");
    app.request(Method::GET, "/metrics", Some("sai"), None, &proxied)
        .await
        .assert_problem(403, "forbidden");
    let with_token = app
        .request(
            Method::GET,
            "/metrics",
            Some("mot-ma-bi-mat-de-doc-so-lieu"),
            None,
            &proxied,
        )
        .await;
    assert_eq!(with_token.status, 200);
}

#[actix_web::test]
async fn metrics_can_be_turned_off() {
    crate::helpers::use_engine(crate::helpers::Engine::Sqlite);
    let app = TestApp::spawn_with(|c| c.metrics = false).await;
    assert_eq!(app.get("/api/v1/articles").await.status, 200);
    app.get("/metrics").await.assert_problem(404, "not_found");
}
