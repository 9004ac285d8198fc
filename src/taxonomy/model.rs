use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Which vocabulary a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Category,
    Tag,
}

impl TermKind {
    pub fn path(self) -> &'static str {
        match self {
            TermKind::Category => "categories",
            TermKind::Tag => "tags",
        }
    }
}

/// A category or tag row (both tables have these columns).
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Term {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct TermInput {
    pub name: String,
    /// None: derive from the name (clashes get `-2`); Some: exactly this, or 409.
    pub slug: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TermChanges {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<Option<String>>,
}
