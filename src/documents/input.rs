//! What editors send about documents, and the list's query string.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{Attachment, DocType, Document, DocumentData, Status};
use super::store::Filter;
use crate::http::error::ParamIssue;
use crate::http::input::{check_declared, check_declared_in, clean_optional, clean_text, finish, set_clean};
use crate::http::pagination::{page_limit, relevance_offset, Cursor};
use crate::http::patch::nullable;
use crate::http::{params, ApiError, FieldError, FieldIssue};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentListQuery {
    /// A number however it is typed (`125/QĐ-UBND`, `125 qd ubnd`) or words of the abstract.
    pub q: Option<String>,
    /// Only this type.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<DocType>)]
    pub doc_type: Option<String>,
    /// Only documents issued by this organization (id or slug).
    pub issuer: Option<String>,
    /// Only this field (lĩnh vực), as written.
    pub field: Option<String>,
    /// Only documents issued in this year.
    #[param(value_type = Option<i32>, minimum = 1900, maximum = 2200)]
    pub year: Option<String>,
    #[param(value_type = Option<Status>)]
    pub status: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// Only documents changed at or after this moment (RFC 3339, or a `YYYY-MM-DD` day in Vietnam time).
    pub updated_since: Option<String>,
}

/// The sort documents are listed in (their cursor names it).
pub const SORT: &str = "issued_on";
/// How many matches a `q` list ranks at most.
pub const MAX_MATCHES: i64 = 1000;

/// A list query, checked: what the list asks of the store.
pub struct Listing {
    pub filter: Filter,
    /// The issuer as named (id or slug), resolved by the store.
    pub issuer: Option<String>,
    /// The words or number of a search.
    pub search: Option<String>,
    /// Where a search's page starts.
    pub offset: Option<i64>,
    /// Where a browsing page starts: after `(issued_on, id)`.
    pub after: Option<(NaiveDate, i64)>,
    pub limit: i64,
}

impl DocumentListQuery {
    /// Checks every parameter (a 400 names the first wrong one).
    pub fn parse(self) -> Result<Listing, ApiError> {
        let limit = page_limit(self.limit.as_deref())?;
        let doc_type = params::one_of("type", self.doc_type.as_deref(), DocType::parse, DocType::ALL)?;
        let status = params::one_of("status", self.status.as_deref(), Status::parse, Status::ALL)?;
        let year = self.year.as_deref().map(year).transpose()?;
        let field = self
            .field
            .map(|f| crate::http::input::clean_text(&f))
            .filter(|f| !f.is_empty());
        let search = match self.q {
            Some(q) => {
                // A word at least (a number is one): as every search.
                crate::search::Query::from_param(&q)?;
                Some(q)
            }
            None => None,
        };
        let offset = match &search {
            Some(_) => Some(relevance_offset(self.cursor.as_deref(), MAX_MATCHES)?),
            None => None,
        };
        let after = match (&search, self.cursor.as_deref()) {
            (None, Some(raw)) => Some(after(raw)?),
            _ => None,
        };
        let updated_since = crate::http::input::time_param("updated_since", self.updated_since.as_deref(), false)?;
        let filter = Filter {
            doc_type: doc_type.map(|t| t.as_str().to_string()),
            field,
            year,
            status: status.map(|s| s.as_str().to_string()),
            updated_since,
            ..Filter::default()
        };
        Ok(Listing {
            filter,
            issuer: self.issuer,
            search,
            offset,
            after,
            limit,
        })
    }
}

fn year(raw: &str) -> Result<i32, ApiError> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| ApiError::invalid_parameter("year", ParamIssue::Range { min: 1900, max: 2200 }))
}

/// Where a browsing cursor says the next page starts.
fn after(raw: &str) -> Result<(NaiveDate, i64), ApiError> {
    let cursor = Cursor::decode(raw, SORT)?;
    let on = cursor
        .key
        .as_deref()
        .and_then(|k| NaiveDate::parse_from_str(k, "%Y-%m-%d").ok())
        .ok_or(ApiError::InvalidCursor)?;
    Ok((on, cursor.id))
}

/// A file of a document: a media item of the library.
#[bantin_macros::constrained]
#[derive(Debug, Clone, Deserialize, ToSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentInput {
    pub media_id: i64,
    /// What the file is ("Toàn văn", "Phụ lục"); defaults to its file name.
    #[check(chars(max = 300))]
    pub title: Option<String>,
}

/// `POST` (number, type, issued_on and abstract required) and `PATCH`
/// (only the fields sent; `null` clears).
#[bantin_macros::constrained]
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "125/QĐ-UBND", "type": "decision", "issuer_id": 3, "signer_id": 2,
    "issued_on": "2022-07-19", "effective_from": "2022-07-19",
    "abstract": "Về việc kiện toàn Ban Chỉ đạo chuyển đổi số thị xã Hồng Lĩnh", "field": "Khoa học - Công nghệ",
    "attachments": [{"media_id": 12, "title": "Toàn văn"}]}))]
pub struct DocumentInput {
    /// Number and symbol as issued (số ký hiệu): `125/QĐ-UBND`.
    #[check(chars(min = 1, max = 100), not_blank, required_on_create)]
    pub number: Option<String>,
    /// The slug is the folded number and the year (`125-qd-ubnd-2022`) unless one is sent.
    #[check(slug)]
    pub slug: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = Option<DocType>)]
    #[check(required_on_create)]
    pub doc_type: Option<String>,
    /// The issuing organization (cơ quan ban hành) …
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub issuer_id: Option<Option<i64>>,
    /// … or its name, for an issuer outside the directory (a ministry).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 300))]
    pub issuer_name: Option<Option<String>>,
    /// The official who signed (người ký) …
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub signer_id: Option<Option<i64>>,
    /// … or a name.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 200))]
    pub signer_name: Option<Option<String>>,
    /// `YYYY-MM-DD` (ngày ban hành).
    #[schema(value_type = Option<String>, format = Date)]
    #[check(required_on_create)]
    pub issued_on: Option<String>,
    /// `YYYY-MM-DD` (ngày hiệu lực).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub effective_from: Option<Option<String>>,
    /// `YYYY-MM-DD` (ngày hết hiệu lực).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Option<String>>,
    /// The summary (trích yếu).
    #[serde(rename = "abstract")]
    #[check(chars(min = 1, max = 2000), not_blank, required_on_create)]
    pub abstract_: Option<String>,
    /// The field (lĩnh vực): free text, filtered on as written.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[check(chars(max = 200))]
    pub field: Option<Option<String>>,
    /// Default `in_force`. `replaced` goes with `replaced_by`.
    #[schema(value_type = Option<Status>)]
    pub status: Option<String>,
    /// The document that replaces this one.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub replaced_by: Option<Option<i64>>,
    /// The files (full text, annexes), in order; replaces the list. At most 20.
    #[check(items(max = 20))]
    pub attachments: Option<Vec<AttachmentInput>>,
}

fn date(errors: &mut Vec<FieldError>, field: &str, raw: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)));
    if parsed.is_none() {
        errors.push(FieldError::new(field, FieldIssue::Format));
    }
    parsed
}

/// Applies an input to the stored columns, collecting every problem.
pub fn apply(input: DocumentInput, current: Option<&Document>, now: NaiveDateTime) -> Result<DocumentData, ApiError> {
    let creating = current.is_none();
    let mut data = current.map_or_else(|| DocumentData::new(now), DocumentData::from);
    let mut errors = check_declared(&input, creating);
    if let Some(number) = input.number {
        data.number = clean_text(&number);
        data.number_key = super::number_key(&data.number);
        if data.number_key.is_empty() && !data.number.is_empty() {
            errors.push(FieldError::new("number", FieldIssue::Format));
        }
    }
    match input.doc_type {
        Some(t) if DocType::parse(&t).is_some() => data.doc_type = t,
        Some(_) => errors.push(FieldError::new("type", FieldIssue::OneOf(DocType::ALL))),
        None => {}
    }
    if let Some(d) = input.issued_on.and_then(|raw| date(&mut errors, "issued_on", &raw)) {
        data.issued_on = d;
    }
    for (field, value, target) in [
        ("effective_from", input.effective_from, &mut data.effective_from),
        ("expires_on", input.expires_on, &mut data.expires_on),
    ] {
        if let Some(value) = value {
            *target = value.and_then(|raw| date(&mut errors, field, &raw));
        }
    }
    if let (Some(from), Some(to)) = (data.effective_from, data.expires_on) {
        if to < from {
            errors.push(FieldError::new("expires_on", FieldIssue::EndsBeforeStart));
        }
    }
    if let Some(a) = input.abstract_ {
        data.summary = clean_text(&a);
    }
    if let Some(slug) = input.slug {
        data.slug = slug;
    }
    if let Some(issuer) = input.issuer_id {
        data.issuer_id = issuer;
    }
    if let Some(signer) = input.signer_id {
        data.signer_id = signer;
    }
    set_clean(input.issuer_name, &mut data.issuer_name);
    set_clean(input.signer_name, &mut data.signer_name);
    set_clean(input.field, &mut data.field);
    match input.status {
        Some(s) if Status::parse(&s).is_some() => data.status = s,
        Some(_) => errors.push(FieldError::new("status", FieldIssue::OneOf(Status::ALL))),
        None => {}
    }
    if let Some(replaced_by) = input.replaced_by {
        data.replaced_by = replaced_by;
    }
    if data.replaced_by.is_some() && data.status != Status::Replaced.as_str() {
        // A replacement is named only for a replaced document.
        errors.push(FieldError::new("replaced_by", FieldIssue::NotAllowed));
    }
    if let Some(files) = input.attachments {
        let files: Vec<Attachment> = files
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                errors.extend(check_declared_in(&format!("attachments[{i}]"), &f, false));
                Attachment {
                    media_id: f.media_id,
                    title: clean_optional(f.title),
                    url: String::new(),
                    mime_type: String::new(),
                    size: 0,
                }
            })
            .collect();
        data.attachments = serde_json::to_string(&files).unwrap_or_else(|_| "[]".into());
    }
    data.updated_at = now;
    finish(errors)?;
    Ok(data)
}
