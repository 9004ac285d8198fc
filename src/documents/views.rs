//! What the API answers about documents.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Attachment, DocType, Document, Status};
use crate::clock::utc;

/// Who issued or signed a document: an organization or official of the
/// directory (with its id and slug), or just a name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Party {
    pub id: Option<i64>,
    pub slug: Option<String>,
    pub name: String,
}

/// The document that replaces another.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentRef {
    pub id: i64,
    pub slug: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "125-qd-ubnd-2022", "number": "125/QĐ-UBND", "type": "decision",
    "type_name": "Quyết định", "issuer": {"id": 3, "slug": "ubnd-thi-xa-hong-linh", "name": "UBND thị xã Hồng Lĩnh"},
    "signer": {"id": 2, "slug": "nguyen-van-a", "name": "Nguyễn Văn A"}, "issued_on": "2022-07-19",
    "effective_from": "2022-07-19", "expires_on": null,
    "abstract": "Về việc kiện toàn Ban Chỉ đạo chuyển đổi số thị xã Hồng Lĩnh", "field": "Khoa học - Công nghệ",
    "status": "in_force", "replaced_by": null,
    "attachments": [{"media_id": 12, "title": "Toàn văn", "url": "/media/12/original.pdf", "type": "application/pdf", "size": 183422}],
    "created_at": "2022-07-19T08:00:00Z", "updated_at": "2022-07-19T08:00:00Z"}))]
pub struct DocumentView {
    pub id: i64,
    pub slug: String,
    /// Number and symbol as issued.
    pub number: String,
    #[serde(rename = "type")]
    pub doc_type: DocType,
    /// The type's Vietnamese name ("Quyết định").
    pub type_name: &'static str,
    pub issuer: Option<Party>,
    pub signer: Option<Party>,
    pub issued_on: NaiveDate,
    pub effective_from: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    #[serde(rename = "abstract")]
    pub summary: String,
    pub field: Option<String>,
    pub status: Status,
    pub replaced_by: Option<DocumentRef>,
    pub attachments: Vec<Attachment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub use super::store::Names;

fn party(known: &[(i64, String, String)], id: Option<i64>, name: &Option<String>) -> Option<Party> {
    match id.and_then(|id| known.iter().find(|k| k.0 == id)) {
        Some((id, slug, name)) => Some(Party {
            id: Some(*id),
            slug: Some(slug.clone()),
            name: name.clone(),
        }),
        None => name.clone().map(|name| Party {
            id: None,
            slug: None,
            name,
        }),
    }
}

pub fn view(d: &Document, names: &Names) -> DocumentView {
    let doc_type = DocType::parse(&d.doc_type).unwrap_or(DocType::Other);
    DocumentView {
        id: d.id,
        slug: d.slug.clone(),
        number: d.number.clone(),
        doc_type,
        type_name: doc_type.name_vi(),
        issuer: party(&names.organizations, d.issuer_id, &d.issuer_name),
        signer: party(&names.officials, d.signer_id, &d.signer_name),
        issued_on: d.issued_on,
        effective_from: d.effective_from,
        expires_on: d.expires_on,
        summary: d.summary.clone(),
        field: d.field.clone(),
        status: Status::parse(&d.status).unwrap_or(Status::InForce),
        replaced_by: d.replaced_by.and_then(|id| {
            names
                .documents
                .iter()
                .find(|k| k.0 == id)
                .map(|(id, slug, number)| DocumentRef {
                    id: *id,
                    slug: slug.clone(),
                    number: number.clone(),
                })
        }),
        attachments: d.attachments.0.clone(),
        created_at: utc(d.created_at),
        updated_at: utc(d.updated_at),
    }
}
