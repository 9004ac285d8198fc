//! What the handlers' annotations and the input types leave out of the
//! document, written once for every operation: the errors any route can
//! answer (as shared responses), who may call it, and what no type can say
//! of what clients send (the `…Create` schemas that require what creating
//! requires, query parameters' shapes, dates' years, integers' bounds), so
//! that a client generated from the document, or a fuzzer reading it,
//! expects what the server does. The limits and shapes of request bodies
//! are declared on their input types (`#[bantin_macros::constrained]`).

use serde_json::{json, Map, Value};

/// Years 0002–9998 as written: any offset keeps the instant within 1–9999.
const YEAR: &str = r"^(?:000[2-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-";

/// What `POST` requires of a body that `PATCH` shares, as each input type
/// declares it (`#[check(required_on_create)]`): (schema, required).
fn required_on_create() -> Vec<(String, &'static [&'static str])> {
    fn of<T: utoipa::ToSchema + crate::http::input::Constrained>() -> (String, &'static [&'static str]) {
        (T::name().into_owned(), T::REQUIRED_ON_CREATE)
    }
    vec![
        of::<crate::pages::input::PageInput>(),
        of::<crate::links::input::LinkGroupInput>(),
        of::<crate::playlists::input::PlaylistInput>(),
        of::<crate::organizations::input::OrganizationInput>(),
        of::<crate::officials::input::OfficialInput>(),
        of::<crate::events::input::EventInput>(),
        of::<crate::documents::input::DocumentInput>(),
        of::<crate::articles::input::ArticleInput>(),
    ]
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// The shared error responses, by status.
fn shared_responses() -> Vec<(&'static str, &'static str, Value)> {
    let mut rate_limited = problem("`rate_limited`: too many requests from this client; wait `Retry-After` seconds");
    rate_limited["headers"] = json!({"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}});
    let mut unavailable = problem("`service_unavailable`: the database is unreachable for now");
    unavailable["headers"] = json!({"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}});
    let mut unauthorized =
        problem("`unauthorized`, `token_expired`: a missing or bad credential (a bad one is never taken as anonymous)");
    unauthorized["headers"] = json!({"WWW-Authenticate": {"schema": {"type": "string"}}});
    vec![
        (
            "400",
            "BadRequest",
            problem("`invalid_parameter`, `unknown_parameter`, `invalid_cursor`, `malformed_json` or `nul_in_text`"),
        ),
        ("401", "Unauthorized", unauthorized),
        ("403", "Forbidden", problem("`forbidden`: the role is too low")),
        ("404", "NotFound", problem("`not_found`")),
        (
            "409",
            "Conflict",
            problem("`idempotency_in_progress`: the first request with this `Idempotency-Key` still runs"),
        ),
        (
            "412",
            "PreconditionFailed",
            problem("`precondition_failed`: the item changed since it was read (`If-Match`)"),
        ),
        ("413", "PayloadTooLarge", problem("`payload_too_large`")),
        (
            "415",
            "UnsupportedMediaType",
            problem("`unsupported_media_type`: the body must be JSON"),
        ),
        (
            "422",
            "ValidationFailed",
            problem("`validation_failed`, with every field's problem in `errors`"),
        ),
        ("429", "RateLimited", rate_limited),
        ("503", "ServiceUnavailable", unavailable),
    ]
}

fn object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    value.as_object_mut().expect("an object")
}

/// Applies every refinement to the generated document.
pub fn refine(doc: &mut Value) {
    let components = object(&mut doc["components"]);
    let responses = object(components.entry("responses").or_insert(json!({})));
    for (_, name, response) in shared_responses() {
        responses.insert(name.into(), response);
    }
    refine_schemas(doc);
    // An upload form has the parts it names and no other (422 otherwise).
    if let Some(form) = doc.pointer_mut("/components/schemas/UploadForm") {
        form["additionalProperties"] = json!(false);
    }
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let item = object(&mut doc["paths"][&path]);
        for (method, operation) in item.iter_mut() {
            refine_operation(&path, method, operation);
        }
    }
}

fn refine_operation(path: &str, method: &str, op: &mut Value) {
    let api = path.starts_with("/api/v1/");
    secure(path, op);
    let security = op
        .get("security")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let takes_bearer = security.iter().any(|s| s.get("bearer").is_some());
    let needs_bearer = takes_bearer && !security.iter().any(|s| s.as_object().is_some_and(Map::is_empty));
    let has_body = op.get("requestBody").is_some();
    let has_path_params = path.contains('{');
    let mut add = Vec::new();
    if path != "/health/live" {
        add.extend(["400", "503"]);
    }
    // Any API request may carry a key: an unknown or revoked one is a 401,
    // a content key used from an origin it does not allow a 403 (and with
    // BANTIN_REQUIRE_CONTENT_KEY, no key at all is a 401).
    if takes_bearer || api {
        add.push("401");
    }
    if needs_bearer || api {
        add.push("403");
    }
    if api && matches!(method, "patch" | "delete") && is_editable_item(path) {
        add.push("412");
        add_parameter(op, if_match());
    }
    if api && method == "get" && is_editable_item(path) {
        let responses = object(&mut op["responses"]);
        responses.entry("301").or_insert(json!({
            "description": "The slug was renamed: `Location` has the item's current address",
            "headers": {"Location": {"schema": {"type": "string"}}}
        }));
    }
    if has_path_params {
        add.push("404");
    }
    if has_body {
        add.extend(["413", "415", "422"]);
    }
    if api {
        add.push("429");
    }
    if api && method == "post" {
        add.extend(["409", "422"]);
    }
    if api && method == "post" && !crate::idempotency::keeps_no_answers(path) {
        add_parameter(op, idempotency_key());
    }
    add_shared_responses(op, &add);
    describe_responses(op);
    if method == "post" {
        point_to_create_schema(op);
    }
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for param in params {
            refine_parameter(path, param);
        }
    }
}

/// Who may call an API route: a bearer token (anonymous readers need none,
/// and may send a content key); the credential routes take none.
fn secure(path: &str, op: &mut Value) {
    let api = path.starts_with("/api/v1/");
    let signs_in = matches!(
        path,
        "/api/v1/auth/login" | "/api/v1/auth/refresh" | "/api/v1/auth/logout"
    );
    if api && !signs_in && op.get("security").is_none() {
        op["security"] = json!([{}, {"bearer": []}, {"contentKey": []}]);
    }
    if let Some(security) = op.get_mut("security").and_then(Value::as_array_mut) {
        let anonymous = security.iter().any(|s| s.as_object().is_some_and(Map::is_empty));
        if anonymous && !security.iter().any(|s| s.get("contentKey").is_some()) {
            security.push(json!({"contentKey": []}));
        }
    }
}

fn add_parameter(op: &mut Value, parameter: Value) {
    let params = op.as_object_mut().map(|o| o.entry("parameters").or_insert(json!([])));
    if let Some(Value::Array(params)) = params {
        params.push(parameter);
    }
}

fn if_match() -> Value {
    json!({
        "name": "If-Match",
        "in": "header",
        "required": false,
        "description": "The `ETag` the item was read with: the write happens only if nobody changed \
            the item since (else 412 `precondition_failed`). `*`: only if it exists.",
        "schema": {"type": "string", "maxLength": 1000, "pattern": crate::http::versions::IF_MATCH_PATTERN}
    })
}

fn idempotency_key() -> Value {
    json!({
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "Any key of yours (a UUID, say): sent again with the same request within 24 hours, \
            the first successful answer comes back (`Idempotency-Replayed: true`) instead of a second \
            create. A refused request keeps nothing: correct it and retry with the same key.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
    })
}

/// Refers `op` to the shared response of each status in `statuses` it does
/// not describe itself.
fn add_shared_responses(op: &mut Value, statuses: &[&str]) {
    let names: Vec<(&str, &str)> = shared_responses().iter().map(|(s, n, _)| (*s, *n)).collect();
    let responses = object(&mut op["responses"]);
    for status in statuses {
        if !responses.contains_key(*status) {
            let name = names
                .iter()
                .find(|(s, _)| s == status)
                .map(|(_, n)| *n)
                .unwrap_or("BadRequest");
            responses.insert(
                status.to_string(),
                json!({"$ref": format!("#/components/responses/{name}")}),
            );
        }
    }
}

/// Gives every response of `op` a description, which OpenAPI requires (and
/// client generators insist on): the shared response's for its status, else
/// the status's reason phrase.
fn describe_responses(op: &mut Value) {
    let shared = shared_responses();
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        if response.get("$ref").is_some() || response.get("description").is_some() {
            continue;
        }
        let description = shared
            .iter()
            .find(|(s, _, _)| s == status)
            .and_then(|(_, _, r)| r["description"].as_str().map(str::to_string))
            .or_else(|| {
                let code = actix_web::http::StatusCode::from_u16(status.parse().ok()?).ok()?;
                code.canonical_reason().map(str::to_string)
            })
            .unwrap_or_else(|| status.clone());
        response["description"] = Value::String(description);
    }
}

/// An item of a resource editors write, by id or slug: its `GET` follows
/// renamed slugs and its writes take `If-Match`.
fn is_editable_item(path: &str) -> bool {
    [
        "articles",
        "events",
        "officials",
        "organizations",
        "categories",
        "tags",
        "documents",
        "pages",
        "links",
        "playlists",
    ]
    .iter()
    .any(|c| path == format!("/api/v1/{c}/{{id_or_slug}}"))
}

/// A `POST` whose body is shared with `PATCH` gets its own schema, which
/// requires what creating requires.
fn point_to_create_schema(op: &mut Value) {
    let Some(schema) = op.pointer_mut("/requestBody/content/application~1json/schema") else {
        return;
    };
    let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
        return;
    };
    let name = reference.rsplit('/').next().unwrap_or_default();
    if required_on_create().iter().any(|(n, _)| n == name) {
        *schema = json!({"$ref": format!("#/components/schemas/{}Create", name.trim_end_matches("Input"))});
    }
}

/// The names a list parameter takes on a path: `fields`, `include`,
/// `sort`, `type`.
fn list_names(path: &str, name: &str) -> Option<String> {
    let articles = path.starts_with("/api/v1/articles") || path.ends_with("/articles");
    let events = path.starts_with("/api/v1/events") || path.ends_with("/events");
    let pattern = crate::http::params::list_pattern;
    match name {
        "fields" if articles => Some(pattern(crate::articles::input::FIELDS, true)),
        "include" if articles => Some(pattern(crate::articles::input::INCLUDES, false)),
        "include" if events => Some(pattern(&["articles"], false)),
        "include" if path == "/api/v1/changes" => Some(pattern(&["actor"], false)),
        "types" => Some(pattern(crate::changes::Kind::ALL, true)),
        "type" if path == "/api/v1/search" => Some(pattern(
            &[
                "articles",
                "events",
                "officials",
                "documents",
                "article",
                "event",
                "official",
                "document",
            ],
            true,
        )),
        "sort" if articles => Some("^-?(published_at|updated_at|created_at|title)$".into()),
        "sort" if events => Some("^-?starts_at$".into()),
        _ => None,
    }
}

fn refine_parameter(path: &str, param: &mut Value) {
    let name = param["name"].as_str().unwrap_or_default().to_string();
    let schema = &mut param["schema"];
    if schema.get("$ref").and_then(Value::as_str) == Some("#/components/schemas/LangParam") {
        return;
    }
    if schema["type"] == "integer" {
        let format = schema["format"].as_str().unwrap_or_default().to_string();
        bound_integer(schema, &["integer".into()], &format);
        return;
    }
    let is_string = schema["type"] == "string" || schema["type"] == json!(["string", "null"]);
    if !is_string || schema.get("enum").is_some() || schema.get("$ref").is_some() {
        return;
    }
    if let Some(pattern) = list_names(path, &name) {
        schema["pattern"] = json!(pattern);
        return;
    }
    match name.as_str() {
        "X-Visitor-Id" => {
            schema["pattern"] = json!(crate::http::visitor::ID_PATTERN);
        }
        "from" | "to" | "updated_since" => {
            schema["pattern"] = json!(YEAR);
            schema["anyOf"] = json!([{"format": "date"}, {"format": "date-time"}]);
        }
        "cursor" | "since" => {
            schema["minLength"] = json!(1);
            schema["pattern"] = json!("^[A-Za-z0-9_-]+$");
        }
        "q" => {
            // Searching needs a word; the officials' name filter takes any.
            if !path.starts_with("/api/v1/officials") {
                schema["minLength"] = json!(1);
            }
            schema["maxLength"] = json!(200);
            schema["pattern"] = json!(r"^[^\x00]*$");
        }
        _ => {
            if schema.get("pattern").is_none() {
                schema["pattern"] = json!(r"^[^\x00]*$");
            }
        }
    }
}

fn refine_schemas(doc: &mut Value) {
    let schemas = object(&mut doc["components"]["schemas"]);
    if let Some(tags) = schemas
        .get_mut("ArticleInput")
        .and_then(|s| s["properties"].get_mut("tags"))
    {
        tags["items"]["maxLength"] = json!(100);
        tags["items"]["pattern"] = json!(bantin_macros::pattern!(not_blank));
    }
    // The items of keys' and webhooks' lists: what the server takes.
    let mut events = vec!["*".to_string()];
    events.extend(
        crate::changes::Kind::ALL
            .iter()
            .filter_map(|k| crate::changes::Kind::parse(k))
            .map(|k| format!("{}.*", k.singular())),
    );
    events.extend(crate::webhooks::model::all_events());
    for schema in ["CreateKey", "UpdateKey", "CreateWebhook", "UpdateWebhook"] {
        if let Some(props) = schemas.get_mut(schema).map(|s| &mut s["properties"]) {
            if let Some(origins) = props.get_mut("allowed_origins") {
                origins["items"] =
                    json!({"type": "string", "maxLength": 200, "pattern": crate::keys::input::ORIGIN_PATTERN});
            }
            if let Some(list) = props.get_mut("events") {
                list["items"] = json!({"type": "string", "enum": events});
            }
            if let Some(list) = props.get_mut("scopes") {
                list["maxItems"] = json!(crate::keys::input::MAX_SCOPES);
            }
        }
    }
    for (name, required) in required_on_create() {
        if let Some(mut create) = schemas.get(&name).cloned() {
            for field in required {
                // Required when creating: `null` is no value.
                let prop = &mut create["properties"][*field];
                if let Some(types) = prop["type"].as_array() {
                    let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                    prop["type"] = kept.into_iter().next().unwrap_or(json!("string"));
                }
                if let Some(one_of) = prop.get("oneOf").and_then(Value::as_array).cloned() {
                    let kept: Vec<Value> = one_of.into_iter().filter(|v| v["type"] != "null").collect();
                    if kept.len() == 1 {
                        *prop = kept[0].clone();
                    }
                }
            }
            create["required"] = json!(required);
            schemas.insert(format!("{}Create", name.trim_end_matches("Input")), create);
        }
    }
    // Every other string sent has no NUL; every date-time and date its
    // years; every 64-bit integer its bounds.
    for (name, schema) in schemas.iter_mut() {
        if name.ends_with("View") || name.starts_with("Paged") {
            continue;
        }
        visit_properties(schema);
    }
}

fn visit_properties(schema: &mut Value) {
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for prop in props.values_mut() {
            constrain(prop);
        }
    }
}

fn constrain(prop: &mut Value) {
    if let Some(items) = prop.get_mut("items") {
        constrain(items);
    }
    let types: Vec<String> = match &prop["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    let format = prop["format"].as_str().unwrap_or_default().to_string();
    if types.iter().any(|t| t == "string") {
        if format == "date-time" || format == "date" {
            prop["pattern"] = json!(YEAR);
        } else if prop.get("pattern").is_none() && prop.get("enum").is_none() {
            prop["pattern"] = json!(r"^[^\x00]*$");
        }
    }
    bound_integer(prop, &types, &format);
}

/// An integer's bounds, from its format, where none are given.
fn bound_integer(schema: &mut Value, types: &[String], format: &str) {
    if !types.iter().any(|t| t == "integer") {
        return;
    }
    let (min, max) = match format {
        "int64" => (i64::MIN, i64::MAX),
        "int32" => (i32::MIN as i64, i32::MAX as i64),
        _ => return,
    };
    if schema.get("minimum").is_none() {
        schema["minimum"] = json!(min);
    }
    if schema.get("maximum").is_none() {
        schema["maximum"] = json!(max);
    }
}

#[cfg(test)]
mod tests {
    //! The document's patterns and the server's checks must agree exactly:
    //! a client (or a fuzzer) that trusts the document must never see valid
    //! input refused, or invalid input taken.
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        Regex::new(pattern).expect("a valid pattern").is_match(text)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn origin_pattern_is_the_servers_rule(text in "(https?://)?[a-zA-Z0-9.:/\\[\\] -]{0,12}") {
            prop_assert_eq!(matches(crate::keys::input::ORIGIN_PATTERN, &text), crate::keys::input::is_origin(&text));
        }

        #[test]
        fn year_pattern_is_the_servers_rule(year in 0i32..10000) {
            let text = format!("{year:04}-01-01");
            prop_assert_eq!(matches(YEAR, &text), crate::clock::accepted_year(year));
        }

        #[test]
        fn list_patterns_are_what_the_parameters_take(text in "[a-z_, ]{0,30}") {
            let allowed = crate::articles::input::FIELDS;
            let pattern = crate::http::params::list_pattern(allowed, true);
            prop_assert_eq!(matches(&pattern, &text), crate::http::params::fields(Some(&text), allowed).is_ok());
            let includes = crate::articles::input::INCLUDES;
            let pattern = crate::http::params::list_pattern(includes, false);
            prop_assert_eq!(matches(&pattern, &text), crate::http::params::include(Some(&text), includes).is_ok());
        }
    }
}
