//! What the document says of answers: which fields every answer holds.
//!
//! utoipa leaves every `Option` field out of `required`, yet bantin sends
//! those as `null` when empty: a typed client (TypeScript `strict`) would
//! then have to test every field for presence. So a response schema lists
//! as required every field it always sends: the non-`Option` ones (utoipa
//! does that) and the nullable ones. A field that is left out when empty
//! (`skip_serializing_if`, say `include=` additions) is declared
//! `#[schema(nullable = false)]` on its type and stays optional.

use std::collections::BTreeSet;

use serde_json::{json, Value};

/// Fields that may be absent and, when sent, `null`: named here because no
/// attribute says both.
const NULLABLE_BUT_OPTIONAL: &[(&str, &str)] = &[
    // Absent for a delete (and with expand=false); null when the item is
    // gone by the time the page is read.
    ("ChangeView", "data"),
    // Only with include=actor; null when the public saw nothing.
    ("ChangeView", "event"),
];

/// Fields every answer holds although their type has a serde default (to
/// read what was stored before they existed, or a request that leaves them
/// to the server), which makes utoipa leave them out of `required`.
const DEFAULTED_BUT_SENT: &[(&str, &[&str])] = &[
    ("Attachment", &["url", "type", "size"]),
    ("Track", &["url", "type", "size"]),
    (ANSWERED_MAP, &["zoom", "boundary"]),
];

/// `Map` is a request's too (where `zoom` has a default): answers get a
/// copy of it that says `zoom` is always there.
const ANSWERED_MAP: &str = "PageMap";

/// Marks what every answer holds as required, and gives article lists a
/// schema of their own (list items leave `body` out unless `fields` names it).
pub fn refine(doc: &mut Value) {
    split_answered_map(doc);
    let answered = answered_schemas(doc);
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else {
        return;
    };
    for name in &answered {
        if let Some(schema) = schemas.get_mut(name) {
            require_what_is_sent(name, schema);
        }
    }
    for (name, fields) in DEFAULTED_BUT_SENT {
        if let Some(schema) = schemas.get_mut(*name) {
            require(schema, fields.iter().map(|f| f.to_string()));
        }
    }
    if let Some(mut item) = schemas.get("ArticleView").cloned() {
        if let Some(required) = item["required"].as_array_mut() {
            required.retain(|f| f != "body");
        }
        item["description"] = json!(
            "An article in a list: as `ArticleView`, without `body` unless `fields` names it; \
             with `q`, each has a `snippet`."
        );
        schemas.insert("ArticleListItem".into(), item);
        if let Some(items) = schemas
            .get_mut("Paged_ArticleView")
            .and_then(|p| p.pointer_mut("/properties/data/items"))
        {
            *items = json!({"$ref": "#/components/schemas/ArticleListItem"});
        }
    }
}

/// Points the answers' `map` (pages) at [`ANSWERED_MAP`], a copy of `Map`.
fn split_answered_map(doc: &mut Value) {
    let Some(map) = doc.pointer("/components/schemas/Map").cloned() else {
        return;
    };
    for pointer in [
        "/components/schemas/PageView/properties/map",
        "/components/schemas/Paged_PageView/properties/data/items/properties/map",
    ] {
        if let Some(Value::Array(branches)) = doc.pointer_mut(pointer).and_then(|m| m.get_mut("oneOf")) {
            for branch in branches {
                if branch["$ref"] == "#/components/schemas/Map" {
                    branch["$ref"] = json!(format!("#/components/schemas/{ANSWERED_MAP}"));
                }
            }
        }
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.insert(ANSWERED_MAP.into(), map);
    }
}

/// Each nullable property of `schema` (and of the objects nested in it)
/// joins its `required` list.
fn require_what_is_sent(name: &str, schema: &mut Value) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    let mut always: Vec<String> = Vec::new();
    for (field, prop) in props.iter_mut() {
        if is_nullable(prop) && !NULLABLE_BUT_OPTIONAL.contains(&(name, field.as_str())) {
            always.push(field.clone());
        }
        if prop.get("properties").is_some() {
            require_what_is_sent(name, prop);
        }
        if let Some(items) = prop.get_mut("items").filter(|i| i.get("properties").is_some()) {
            require_what_is_sent(name, items);
        }
    }
    if !always.is_empty() {
        require(schema, always);
    }
}

/// Adds `fields` to `schema`'s `required` list, each once.
fn require(schema: &mut Value, fields: impl IntoIterator<Item = String>) {
    let required = schema
        .as_object_mut()
        .map(|o| o.entry("required").or_insert(json!([])))
        .and_then(Value::as_array_mut);
    if let Some(required) = required {
        for field in fields {
            if !required.iter().any(|r| r == &Value::String(field.clone())) {
                required.push(Value::String(field));
            }
        }
    }
}

fn is_nullable(prop: &Value) -> bool {
    let null = json!("null");
    prop["type"].as_array().is_some_and(|t| t.contains(&null))
        || prop["oneOf"]
            .as_array()
            .is_some_and(|v| v.iter().any(|s| s["type"] == null))
}

/// The component schemas that answers use, directly or through others.
fn answered_schemas(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo: Vec<String> = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for item in paths.values() {
            for op in item.as_object().into_iter().flat_map(|o| o.values()) {
                if let Some(responses) = op["responses"].as_object() {
                    for response in responses.values() {
                        refs_in(response, &mut todo);
                    }
                }
            }
        }
    }
    while let Some(name) = todo.pop() {
        if found.insert(name.clone()) {
            if let Some(schema) = doc.pointer(&format!("/components/schemas/{name}")) {
                refs_in(schema, &mut todo);
            }
        }
    }
    found
}

fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_string());
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}
