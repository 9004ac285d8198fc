//! Every query on documents.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::{Attachment, Document, DocumentData, Status};
use crate::changes::{self, Stamp, Touched};
use crate::db::refs::{self, Target};
use crate::db::schema::{documents, officials, organizations};
use crate::db::slug::{self, SlugTable};
use crate::db::{write_tx, Backend, Conn, IdOrSlug, Reference, StoreError, StoreResult};

pub fn find(conn: &mut Conn, key: &IdOrSlug) -> StoreResult<Option<Document>> {
    let q = documents::table.select(Document::as_select()).into_boxed::<Backend>();
    let q = match key {
        IdOrSlug::Id(id) => q.filter(documents::id.eq(*id)),
        IdOrSlug::Slug(slug) => q.filter(documents::slug.eq(slug.clone())),
    };
    Ok(q.first(conn).optional()?)
}

pub fn find_many(conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Document>> {
    Ok(documents::table
        .select(Document::as_select())
        .filter(documents::id.eq_any(ids))
        .load(conn)?)
}

/// What a list asks for besides its page.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub doc_type: Option<String>,
    /// `Some(None)`: an issuer that does not exist (nothing matches).
    pub issuer: Option<Option<i64>>,
    pub field: Option<String>,
    pub year: Option<i32>,
    pub status: Option<String>,
    /// Only those changed at or after this moment.
    pub updated_since: Option<chrono::NaiveDateTime>,
    /// Only these (the matches of a search), in any order.
    pub ids: Option<Vec<i64>>,
}

/// Newest first (issued on, then id), after the cursor `(issued_on, id)`.
pub fn list(
    conn: &mut Conn,
    filter: &Filter,
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> StoreResult<Vec<Document>> {
    let mut q = documents::table
        .select(Document::as_select())
        .order((documents::issued_on.desc(), documents::id.desc()))
        .limit(limit)
        .into_boxed::<Backend>();
    if let Some(t) = &filter.doc_type {
        q = q.filter(documents::doc_type.eq(t.clone()));
    }
    match filter.issuer {
        Some(Some(issuer)) => q = q.filter(documents::issuer_id.eq(issuer)),
        Some(None) => return Ok(Vec::new()),
        None => {}
    }
    if let Some(field) = &filter.field {
        q = q.filter(documents::field.eq(field.clone()));
    }
    if let Some(year) = filter.year {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Ok(Vec::new());
        };
        q = q.filter(documents::issued_on.between(first, last));
    }
    if let Some(status) = &filter.status {
        q = q.filter(documents::status.eq(status.clone()));
    }
    if let Some(since) = filter.updated_since {
        q = q.filter(documents::updated_at.ge(since));
    }
    if let Some(ids) = &filter.ids {
        q = q.filter(documents::id.eq_any(ids.clone()));
    }
    if let Some((on, id)) = after {
        q = q.filter(
            documents::issued_on
                .lt(on)
                .or(documents::issued_on.eq(on).and(documents::id.lt(id))),
        );
    }
    Ok(q.load(conn)?)
}

/// Documents whose number starts with `key` (folded): `125-qd` finds
/// `125/QĐ-UBND` of every year; newest first, at most `limit`.
pub fn by_number(conn: &mut Conn, key: &str, limit: i64) -> StoreResult<Vec<i64>> {
    let escaped = key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    Ok(documents::table
        .select(documents::id)
        .filter(
            documents::number_key
                .eq(key.to_string())
                .or(documents::number_key.like(format!("{escaped}-%")).escape('\\')),
        )
        .order((documents::issued_on.desc(), documents::id.desc()))
        .limit(limit)
        .load(conn)?)
}

/// Completes the attachments from their media items; the ids they use.
fn attach(conn: &mut Conn, data: &mut DocumentData) -> StoreResult<Vec<i64>> {
    let mut files: Vec<Attachment> = serde_json::from_str(&data.attachments).map_err(|_| StoreError::Internal)?;
    let ids: Vec<i64> = files.iter().map(|f| f.media_id).collect();
    let found = crate::media::store::find_many(conn, &ids)?;
    let mut unknown = Vec::new();
    for (i, file) in files.iter_mut().enumerate() {
        let Some(item) = found.iter().find(|m| m.id == file.media_id) else {
            unknown.push(Reference::member("attachments", i, "media_id"));
            continue;
        };
        file.url = item.original_path();
        file.mime_type = item.mime_type.clone();
        file.size = item.size;
        if file.title.is_none() {
            file.title = item.original_name.clone();
        }
    }
    if !unknown.is_empty() {
        return Err(StoreError::UnknownReferences(unknown));
    }
    data.attachments = serde_json::to_string(&files).map_err(|_| StoreError::Internal)?;
    Ok(ids)
}

pub fn save(conn: &mut Conn, current: Option<&Document>, mut data: DocumentData, stamp: &Stamp) -> StoreResult<i64> {
    let id = current.map(|c| c.id);
    if data.replaced_by.is_some() && data.replaced_by == id {
        return Err(StoreError::ForbiddenReference(Reference::field("replaced_by")));
    }
    let mut unknown = refs::check_one(conn, Target::Organizations, "issuer_id", data.issuer_id)?;
    unknown.extend(refs::check_one(conn, Target::Officials, "signer_id", data.signer_id)?);
    unknown.extend(refs::check_one(
        conn,
        Target::Documents,
        "replaced_by",
        data.replaced_by,
    )?);
    if !unknown.is_empty() {
        return Err(StoreError::UnknownReferences(unknown));
    }
    if data.status != Status::Replaced.as_str() {
        data.replaced_by = None;
    }
    let used = attach(conn, &mut data)?;
    // A document's slug is made of its number and year.
    let number_and_year = format!("{} {}", data.number_key, chrono::Datelike::year(&data.issued_on));
    slug::fill(conn, SlugTable::Documents, &mut data.slug, &number_and_year)?;
    let before = current.map(|c| (c.id, c.slug.as_str()));
    let id = slug::save_row(conn, SlugTable::Documents, before, &data.slug, stamp.at, |conn, id| {
        crate::upsert!(conn, id, documents, &data, (&data, documents::created_at.eq(stamp.at)))
    })?;
    crate::media::uses::set(conn, changes::Kind::Documents, id, &used)?;
    let touched = Touched::upsert(id, Some(data.slug.clone()), current.is_some(), true);
    changes::store::record_one(conn, stamp, changes::Kind::Documents, touched).map(|_| id)
}

pub fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let doc = find(conn, key)?.ok_or(StoreError::NotFound)?;
        // Documents it replaced now name no replacement.
        let replaced: Vec<(i64, String)> = diesel::update(documents::table.filter(documents::replaced_by.eq(doc.id)))
            .set(documents::replaced_by.eq(None::<i64>))
            .returning((documents::id, documents::slug))
            .get_results(conn)?;
        let touched: Vec<Touched> = replaced
            .into_iter()
            .map(|(id, slug)| Touched::upsert(id, Some(slug), true, true))
            .collect();
        changes::store::record(conn, stamp, changes::Kind::Documents, &touched)?;
        diesel::delete(documents::table.find(doc.id)).execute(conn)?;
        slug::forget(conn, SlugTable::Documents, doc.id)?;
        crate::media::uses::clear(conn, changes::Kind::Documents, doc.id)?;
        let gone = Touched::delete(doc.id, Some(doc.slug.clone()), true);
        changes::store::record_one(conn, stamp, changes::Kind::Documents, gone)
    })
}

/// The names a page of documents refers to, loaded once for the page.
#[derive(Debug, Default)]
pub struct Names {
    pub organizations: Vec<(i64, String, String)>,
    pub officials: Vec<(i64, String, String)>,
    pub documents: Vec<(i64, String, String)>,
}

impl Names {
    pub fn load(conn: &mut Conn, docs: &[Document]) -> StoreResult<Names> {
        let orgs: Vec<i64> = docs.iter().filter_map(|d| d.issuer_id).collect();
        let people: Vec<i64> = docs.iter().filter_map(|d| d.signer_id).collect();
        let replacements: Vec<i64> = docs.iter().filter_map(|d| d.replaced_by).collect();
        Ok(Names {
            organizations: if orgs.is_empty() {
                Vec::new()
            } else {
                organizations::table
                    .filter(organizations::id.eq_any(orgs))
                    .select((organizations::id, organizations::slug, organizations::name))
                    .load(conn)?
            },
            officials: if people.is_empty() {
                Vec::new()
            } else {
                officials::table
                    .filter(officials::id.eq_any(people))
                    .select((officials::id, officials::slug, officials::full_name))
                    .load(conn)?
            },
            documents: if replacements.is_empty() {
                Vec::new()
            } else {
                documents::table
                    .filter(documents::id.eq_any(replacements))
                    .select((documents::id, documents::slug, documents::number))
                    .load(conn)?
            },
        })
    }
}
