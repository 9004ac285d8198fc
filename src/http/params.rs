//! Query parameters every list shares, parsed the same way everywhere:
//! `fields`, `include` and closed sets such as `status`.

use super::error::{ApiError, ParamIssue};

fn one_of_issue(allowed: &[&str]) -> ParamIssue {
    ParamIssue::OneOf(allowed.iter().map(|s| s.to_string()).collect())
}

/// The names of a comma-separated list, spaces around them ignored.
fn names(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(|p| p.trim_matches(' ')).filter(|p| !p.is_empty())
}

/// The pattern the OpenAPI document gives a comma-separated list of
/// `allowed` names (spaces around them, empty parts): what [`fields`]
/// (`at_least_one`) and [`include`] accept. No look-around, which some
/// clients' regex engines lack.
pub fn list_pattern(allowed: &[&str], at_least_one: bool) -> String {
    let name = allowed.join("|");
    if at_least_one {
        format!("^(?: *,)* *(?:{name}) *(?:,(?: *(?:{name}))? *)*$")
    } else {
        format!("^(?: *(?:{name})? *,)* *(?:{name})? *$")
    }
}

/// `?fields=id,title`: the names asked for, each one of `allowed`; `None`
/// when the parameter is absent, a 400 when it is empty or names another.
pub fn fields(raw: Option<&str>, allowed: &[&str]) -> Result<Option<Vec<String>>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let fields: Vec<String> = names(raw).map(str::to_string).collect();
    if fields.is_empty() {
        return Err(ApiError::invalid_parameter("fields", ParamIssue::Empty));
    }
    if fields.iter().any(|f| !allowed.contains(&f.as_str())) {
        return Err(ApiError::invalid_parameter("fields", one_of_issue(allowed)));
    }
    Ok(Some(fields))
}

/// `?include=a,b`: which related items of `allowed` are asked for.
pub fn include(raw: Option<&str>, allowed: &[&'static str]) -> Result<Vec<&'static str>, ApiError> {
    let mut asked = Vec::new();
    for part in names(raw.unwrap_or("")) {
        let name = allowed
            .iter()
            .find(|a| **a == part)
            .ok_or_else(|| ApiError::invalid_parameter("include", one_of_issue(allowed)))?;
        if !asked.contains(name) {
            asked.push(*name);
        }
    }
    Ok(asked)
}

/// A parameter from a closed set (`status`, `kind`, …), parsed by `parse`;
/// anything else is a 400 that lists `allowed`.
pub fn one_of<T>(
    param: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &[&str],
) -> Result<Option<T>, ApiError> {
    raw.map(|r| parse(r).ok_or_else(|| ApiError::invalid_parameter(param, one_of_issue(allowed))))
        .transpose()
}

/// The related record a scoped list's path names (`/officials/{id}/events`):
/// the same parameter in the query would be a second answer, so it is a 400.
pub fn path_scope(param: &str, in_query: Option<String>, path: &str) -> Result<crate::db::Scope, ApiError> {
    if in_query.is_some() {
        return Err(ApiError::unknown_parameter(param));
    }
    Ok(crate::db::Scope::path(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_includes_from_their_allow_lists() {
        assert_eq!(fields(None, &["id"]).unwrap(), None);
        assert_eq!(
            fields(Some("id, title"), &["id", "title"]).unwrap(),
            Some(vec!["id".into(), "title".into()])
        );
        assert!(fields(Some(" , "), &["id"]).is_err());
        assert!(fields(Some("id,body"), &["id"]).is_err());
        assert_eq!(
            include(Some("events,events"), &["officials", "events"]).unwrap(),
            vec!["events"]
        );
        assert!(include(Some("users"), &["officials"]).is_err());
        assert_eq!(
            one_of("s", Some("b"), |s| (s == "b").then_some(2), &["b"]).unwrap(),
            Some(2)
        );
        assert!(one_of("s", Some("c"), |s| (s == "b").then_some(2), &["b"]).is_err());
    }
}
