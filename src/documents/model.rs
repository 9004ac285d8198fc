use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::json::Json;
use crate::db::schema::documents;

crate::text_enum! {
    /// What a document is (loại văn bản).
    #[schema(as = DocumentType)]
    pub enum DocType {
        Law = "law",
        Decree = "decree",
        Circular = "circular",
        Resolution = "resolution",
        Decision = "decision",
        Directive = "directive",
        Regulation = "regulation",
        Plan = "plan",
        Program = "program",
        Guidance = "guidance",
        Notice = "notice",
        OfficialLetter = "official_letter",
        Report = "report",
        Submission = "submission",
        Conclusion = "conclusion",
        Other = "other",
    }
}

impl DocType {
    /// Its Vietnamese name, as portals label it.
    pub fn name_vi(self) -> &'static str {
        match self {
            DocType::Law => "Luật",
            DocType::Decree => "Nghị định",
            DocType::Circular => "Thông tư",
            DocType::Resolution => "Nghị quyết",
            DocType::Decision => "Quyết định",
            DocType::Directive => "Chỉ thị",
            DocType::Regulation => "Quy định",
            DocType::Plan => "Kế hoạch",
            DocType::Program => "Chương trình",
            DocType::Guidance => "Hướng dẫn",
            DocType::Notice => "Thông báo",
            DocType::OfficialLetter => "Công văn",
            DocType::Report => "Báo cáo",
            DocType::Submission => "Tờ trình",
            DocType::Conclusion => "Kết luận",
            DocType::Other => "Văn bản khác",
        }
    }
}

crate::text_enum! {
    /// Whether a document still applies (tình trạng hiệu lực).
    #[schema(as = DocumentStatus)]
    pub enum Status {
        InForce = "in_force",
        PartlyInForce = "partly_in_force",
        Expired = "expired",
        Replaced = "replaced",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct Document {
    pub id: i64,
    pub slug: String,
    pub number: String,
    pub number_key: String,
    pub doc_type: String,
    pub issuer_id: Option<i64>,
    pub issuer_name: Option<String>,
    pub signer_id: Option<i64>,
    pub signer_name: Option<String>,
    pub issued_on: NaiveDate,
    pub effective_from: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub summary: String,
    pub field: Option<String>,
    pub status: String,
    pub replaced_by: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub attachments: Json<Vec<Attachment>>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every writable column.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = documents, treat_none_as_null = true)]
pub struct DocumentData {
    pub slug: String,
    pub number: String,
    pub number_key: String,
    pub doc_type: String,
    pub issuer_id: Option<i64>,
    pub issuer_name: Option<String>,
    pub signer_id: Option<i64>,
    pub signer_name: Option<String>,
    pub issued_on: NaiveDate,
    pub effective_from: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub summary: String,
    pub field: Option<String>,
    pub status: String,
    pub replaced_by: Option<i64>,
    pub attachments: String,
    pub updated_at: NaiveDateTime,
}

impl DocumentData {
    pub fn new(now: NaiveDateTime) -> Self {
        DocumentData {
            slug: String::new(),
            number: String::new(),
            number_key: String::new(),
            doc_type: String::new(),
            issuer_id: None,
            issuer_name: None,
            signer_id: None,
            signer_name: None,
            issued_on: now.date(),
            effective_from: None,
            expires_on: None,
            summary: String::new(),
            field: None,
            status: Status::InForce.as_str().into(),
            replaced_by: None,
            attachments: "[]".into(),
            updated_at: now,
        }
    }
}

impl From<&Document> for DocumentData {
    fn from(d: &Document) -> Self {
        DocumentData {
            slug: d.slug.clone(),
            number: d.number.clone(),
            number_key: d.number_key.clone(),
            doc_type: d.doc_type.clone(),
            issuer_id: d.issuer_id,
            issuer_name: d.issuer_name.clone(),
            signer_id: d.signer_id,
            signer_name: d.signer_name.clone(),
            issued_on: d.issued_on,
            effective_from: d.effective_from,
            expires_on: d.expires_on,
            summary: d.summary.clone(),
            field: d.field.clone(),
            status: d.status.clone(),
            replaced_by: d.replaced_by,
            attachments: d.attachments.text(),
            updated_at: d.updated_at,
        }
    }
}

/// A file of a document, as stored: a media item, completed when saved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Attachment {
    pub media_id: i64,
    /// What the file is ("Toàn văn", "Phụ lục"); defaults to its file name.
    pub title: Option<String>,
    #[serde(default)]
    pub url: String,
    #[serde(default, rename = "type")]
    pub mime_type: String,
    /// Bytes.
    #[serde(default)]
    pub size: i64,
}
