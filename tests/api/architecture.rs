//! The shape of the code, checked: stores know nothing of HTTP, no
//! resource's api uses another's, and no module imports itself back
//! through others. Read from the sources, so a change that breaks a rule
//! fails here with the rule it breaks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file of the library and its module path (`src/db/mod.rs`
/// is `db`, `src/articles/store.rs` is `articles::store`).
fn modules() -> BTreeMap<String, (PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|file| {
            let relative = file.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&file).unwrap();
            (parts.join("::"), (file, text))
        })
        .collect()
}

/// The text without comments and string literals, so that prose and
/// messages are not read as paths.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            c => out.push(c),
        }
    }
    out
}

/// Expands a `use` tree (`db::{refs::{self, Target}, Conn}`) into paths.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap().trim();
        let path = path.trim_end_matches("::self");
        let joined = if prefix.is_empty() {
            path.to_string()
        } else if path == "self" {
            prefix.to_string()
        } else {
            format!("{prefix}::{path}")
        };
        out.push(joined);
        return;
    };
    let head = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let prefix = match (prefix.is_empty(), head.is_empty()) {
        (true, _) => head.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}::{head}"),
    };
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if !inner[start..i].trim().is_empty() {
                    expand(&prefix, &inner[start..i], out);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if !inner[start..].trim().is_empty() {
        expand(&prefix, &inner[start..], out);
    }
}

/// Every path a module names: from `use` items and from paths in its code,
/// as absolute module paths (`super::` resolved). Re-exports of a module's
/// own children (`pub use model::Role;` in `users/mod.rs`) are a facade, not
/// a dependency, and are left out.
fn paths_named(module: &str, text: &str) -> Vec<String> {
    let code = code_of(text);
    let parent: Vec<&str> = {
        let mut p: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
        p.pop();
        p
    };
    let own_children_prefix = |path: &str| {
        let segments: Vec<&str> = path.split("::").collect();
        segments.len() > 1 && !matches!(segments[0], "crate" | "super" | "self" | "std")
    };
    let absolute = |path: &str| -> Option<String> {
        let mut parts: Vec<&str> = path.split("::").collect();
        match parts.first().copied() {
            Some("crate") => {
                parts.remove(0);
                Some(parts.join("::"))
            }
            Some("super") => {
                parts.remove(0);
                let mut base = parent.clone();
                while parts.first() == Some(&"super") {
                    parts.remove(0);
                    base.pop();
                }
                base.extend(parts);
                Some(base.join("::"))
            }
            _ => None,
        }
    };
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        let after = &rest[at + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            let is_reexport = rest[..at].trim_end().ends_with("pub");
            let mut expanded = Vec::new();
            expand("", &after[..end], &mut expanded);
            for path in expanded {
                if is_reexport && own_children_prefix(&path) {
                    continue;
                }
                found.extend(absolute(&path));
            }
        }
        rest = &after[end..];
    }
    for word in code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')) {
        if word.starts_with("crate::") || word.starts_with("super::") {
            found.extend(absolute(word.trim_end_matches(':')));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The file module a path lands in: its longest prefix that is a module.
fn resolve<'a>(path: &str, modules: &'a BTreeMap<String, (PathBuf, String)>) -> Option<&'a str> {
    let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    loop {
        let candidate = segments.join("::");
        if let Some((name, _)) = modules.get_key_value(&candidate) {
            return Some(name.as_str());
        }
        segments.pop()?;
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    modules
        .iter()
        .map(|(name, (_, text))| {
            let edges: BTreeSet<String> = paths_named(name, text)
                .iter()
                .filter_map(|p| resolve(p, &modules))
                .filter(|target| *target != name)
                .map(str::to_string)
                .collect();
            (name.clone(), edges)
        })
        .collect()
}

#[test]
fn stores_know_nothing_of_http() {
    for (name, (file, text)) in modules() {
        let code = code_of(&text);
        if name.ends_with("::store") || name.contains("::store::") {
            assert!(
                !code.contains("crate::http") && !code.contains("crate::web") && !code.contains("actix_web"),
                "{} speaks HTTP",
                file.display()
            );
        }
        if name == "db" || name.starts_with("db::") {
            assert!(!code.contains("crate::http"), "{} speaks HTTP", file.display());
        }
    }
}

#[test]
fn no_api_uses_another_resources_api() {
    let graph = graph();
    for (name, edges) in &graph {
        let Some(resource) = name.strip_suffix("::api") else {
            continue;
        };
        for target in edges {
            assert!(
                !(target.ends_with("::api") && target.strip_suffix("::api") != Some(resource)),
                "{name} uses {target}"
            );
        }
    }
}

#[test]
fn no_module_imports_itself_back() {
    let graph = graph();
    // Depth-first search, reporting the first cycle as a path.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("an import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_checker_sees_imports_through_braces_and_super() {
    let mut out = Vec::new();
    expand("", "crate::db::{refs::{self, Target}, Conn}", &mut out);
    assert_eq!(out, ["crate::db::refs", "crate::db::refs::Target", "crate::db::Conn"]);
    let named = paths_named(
        "articles::store",
        "use super::model::Row;\nfn f() { crate::search::store::index(); }",
    );
    assert_eq!(named, ["articles::model::Row", "search::store::index"]);
}

/// The top-level modules a floor of the plumbing imports.
fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, floor: &str) -> BTreeSet<String> {
    graph
        .iter()
        .filter(|(name, _)| *name == floor || name.starts_with(&format!("{floor}::")))
        .flat_map(|(_, edges)| edges.iter())
        .map(|target| target.split("::").next().unwrap_or_default().to_string())
        // The crate root (`lib.rs`) holds only the exported macros.
        .filter(|top| top != floor && !top.is_empty())
        .collect()
}

#[test]
fn the_plumbing_looks_only_down() {
    let graph = graph();
    // `text/` is the floor; `db/` stands on it alone.
    assert_eq!(reaches(&graph, "text"), BTreeSet::new(), "text/ imports another module");
    assert_eq!(
        reaches(&graph, "db"),
        BTreeSet::from(["text".to_string()]),
        "db/ imports a resource"
    );
    // `http/` stands on `db/` and `text/`, and reads the settings and the
    // clock; what a request needs of users, keys, sessions and the change
    // log is in `web/`, above it.
    let allowed: BTreeSet<String> = ["clock", "config", "db", "text"]
        .into_iter()
        .map(String::from)
        .collect();
    let reached = reaches(&graph, "http");
    let more: Vec<_> = reached.difference(&allowed).collect();
    assert!(more.is_empty(), "http/ now also imports {more:?}");
}
