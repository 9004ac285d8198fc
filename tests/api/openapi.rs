use crate::helpers::TestApp;

/// Fails when the committed document differs from what the code generates.
/// Regenerate with `cargo run -- openapi > openapi/openapi.json`.
#[test]
fn committed_openapi_document_is_current() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
        .expect("openapi/openapi.json exists");
    let generated = bantin::openapi::document_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json` and commit it"
    );
}

#[test]
fn every_route_is_documented_with_its_errors() {
    let doc: serde_json::Value = serde_json::from_str(&bantin::openapi::document_json()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/articles",
        "/api/v1/articles/{id_or_slug}",
        "/api/v1/categories",
        "/api/v1/categories/{id_or_slug}",
        "/api/v1/tags",
        "/api/v1/tags/{id_or_slug}",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/health/live",
        "/health/ready",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    // Every write documents its failures as problem+json.
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            // A shared response is a reference into components.
            let resolve = |r: &serde_json::Value| match r["$ref"].as_str() {
                Some(reference) => doc["components"]["responses"][reference.rsplit('/').next().unwrap()].clone(),
                None => r.clone(),
            };
            // OpenAPI requires a description of every response; client
            // generators refuse a document without.
            for (status, r) in responses {
                assert!(
                    resolve(r)["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{method} {path}: response {status} has no description"
                );
            }
            if method == "get" && !path.starts_with("/api/v1/users") && path != "/api/v1/auth/me" {
                continue;
            }
            let documented_error = responses.iter().any(|(status, r)| {
                status.starts_with('4') && resolve(r)["content"]["application/problem+json"].is_object()
            });
            assert!(
                documented_error || method == "post" && path.ends_with("/logout"),
                "{method} {path} documents no problem+json error"
            );
        }
    }
}

on_both_engines! {
    async fn the_document_and_docs_are_served_offline() {
        let app = TestApp::spawn().await;
        let served = app.get("/api/v1/openapi.json").await;
        assert_eq!(served.status, 200);
        let served: serde_json::Value = served.json();
        let generated: serde_json::Value = serde_json::from_str(&bantin::openapi::document_json()).unwrap();
        assert_eq!(served, generated);
        let redirect = app.get("/docs").await;
        assert!(matches!(redirect.status, 301 | 302 | 307 | 308), "{}", redirect.status);
        let page = app.get("/docs/").await;
        assert_eq!(page.status, 200);
        let html = String::from_utf8_lossy(&page.body);
        assert!(html.contains("swagger-ui"), "the docs page is Swagger UI");
        // Its assets come from this server, not from a CDN.
        assert!(!html.contains("https://"), "no external assets: {html}");
        assert_eq!(app.get("/docs/swagger-ui-bundle.js").await.status, 200);
    }
}
