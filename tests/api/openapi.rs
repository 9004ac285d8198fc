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

/// The request bodies of `POST`s that create, with the schema the document
/// gives them.
fn create_bodies(doc: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(reference) = item
            .pointer("/post/requestBody/content/application~1json/schema/$ref")
            .and_then(|r| r.as_str())
        else {
            continue;
        };
        let name = reference.rsplit('/').next().unwrap();
        out.push((path.clone(), doc["components"]["schemas"][name].clone()));
    }
    out
}

/// A value of `prop` the server reads (if not always takes): what a body
/// that lacks a required field would not even deserialize without.
fn placeholder(doc: &serde_json::Value, prop: &serde_json::Value) -> serde_json::Value {
    use serde_json::json;
    if let Some(reference) = prop["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return placeholder(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(first) = prop["enum"].get(0) {
        return first.clone();
    }
    let types = prop["type"].to_string();
    match prop["format"].as_str() {
        _ if types.contains("integer") => json!(1),
        _ if types.contains("boolean") => json!(true),
        _ if types.contains("array") => json!([]),
        Some("date-time") => json!("2024-01-01T00:00:00Z"),
        Some("date") => json!("2024-01-01"),
        _ => json!("xxxxxxxxxxxxxxxx"),
    }
}

/// Every limit the document declares on a body is the limit the server
/// enforces, one character or item either side: a body with one more than
/// `maxLength`/`maxItems` is refused naming that field as too long, one at
/// the limit is not refused for it. (Both read one declaration on the input
/// type; this fails if a check or a schema is written by hand apart.)
#[actix_web::test]
async fn declared_limits_are_the_enforced_ones() {
    use serde_json::{json, Value};
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let doc: Value = serde_json::from_str(&bantin::openapi::document_json()).unwrap();
    let plain = |prop: &Value| {
        // Patterns other than "no NUL" and "not blank" ask for a shape that
        // a run of one letter does not have.
        let pattern = prop["pattern"].as_str().unwrap_or(r"^[^\x00]*$");
        pattern == r"^[^\x00]*$" || pattern == bantin_macros::pattern!(not_blank)
    };
    let mut checked = 0;
    for (path, schema) in create_bodies(&doc) {
        if path.contains('{') || path == "/api/v1/auth/login" || path.ends_with("/comments") {
            continue;
        }
        for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
            let types = prop["type"].to_string();
            let (over, at) = if let (Some(max), true) = (prop["maxLength"].as_u64(), types.contains("string")) {
                if !plain(prop) {
                    continue;
                }
                let max = max as usize;
                (json!("x".repeat(max + 1)), json!("x".repeat(max)))
            } else if let (Some(max), true) = (prop["maxItems"].as_u64(), types.contains("array")) {
                let item = match prop["items"]["type"].as_str() {
                    Some("integer") => json!(1),
                    Some("string") if plain(&prop["items"]) && prop["items"].get("enum").is_none() => json!("x"),
                    _ => continue,
                };
                let max = max as usize;
                (json!(vec![item.clone(); max + 1]), json!(vec![item; max]))
            } else {
                continue;
            };
            let names = |res: &crate::helpers::Resp| -> Vec<(String, String)> {
                res.json()["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| {
                        (
                            e["field"].as_str().unwrap_or("").to_string(),
                            e["code"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            };
            let mut base = serde_json::Map::new();
            for required in schema["required"].as_array().into_iter().flatten() {
                let field = required.as_str().unwrap();
                base.insert(field.into(), placeholder(&doc, &schema["properties"][field]));
            }
            let body = |value: &Value| {
                let mut body = base.clone();
                body.insert(name.clone(), value.clone());
                Value::Object(body)
            };
            let res = app.post(&path, Some(&admin), &body(&over)).await;
            assert_eq!(res.status, 422, "{path} {name}: one over the limit");
            assert!(
                names(&res).contains(&(name.clone(), "length".to_string())),
                "{path} {name}: one over the limit is not refused as too long: {:?}",
                names(&res)
            );
            let res = app.post(&path, Some(&admin), &body(&at)).await;
            assert!(
                !names(&res).iter().any(|(field, _)| field == name),
                "{path} {name}: at the limit is refused: {:?}",
                names(&res)
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} limits were checked");
}
