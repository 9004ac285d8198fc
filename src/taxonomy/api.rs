//! `/categories` and `/tags`: public reads, editor writes. The handlers are
//! written once and instantiated per vocabulary by `term_endpoints!`.

use actix_web::{web, HttpResponse};

use chrono::NaiveDateTime;

use super::input::{CreateTerm, TermListQuery, UpdateTerm};
use super::model::TermKind;
use super::store;
use super::views::TermView;
use crate::changes::{Kind, Stamp};
use crate::db::slug::SlugTable;
use crate::db::{Conn, IdOrSlug};
use crate::http::cache::cached_page;
use crate::http::lang::Lang;
use crate::http::pagination::{ById, Paged};
use crate::http::routes::at;
use crate::http::ApiError;
use crate::web::editable::{to_value, Editable};
use crate::web::reader::Reader;

const TERM_SORT: &str = "id";

async fn list_terms(kind: TermKind, r: Reader, query: web::Query<TermListQuery>) -> Result<HttpResponse, ApiError> {
    let Reader { req, auth, state, .. } = r;
    let by_id = ById::parse(query.limit.as_deref(), query.cursor.as_deref(), TERM_SORT)?;
    let (limit, after) = (by_id.limit, by_id.after);
    let since = crate::http::input::time_param("updated_since", query.updated_since.as_deref(), false)?;
    let (rows, total) = crate::db::run(auth.pool(&state), move |conn| {
        store::list(conn, kind, after, since, limit)
    })
    .await?;
    let page = by_id.page(rows, |t| t.id).with_total(total);
    cached_page(&req, &page.map(TermView::from), auth.audience())
}

async fn get_term<V: Vocabulary>(r: Reader, key: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let key = IdOrSlug::parse(&key);
    r.item(V::CHANGE_KIND, V::SLUGS, key, move |conn, key| {
        let term = store::find(conn, V::KIND, key)?.ok_or(ApiError::NotFound)?;
        Ok((term.id, TermView::from(term)))
    })
    .await
}

/// A vocabulary editors write: categories or tags.
pub trait Vocabulary: 'static {
    const KIND: TermKind;
    const COLLECTION: &'static str;
    const CHANGE_KIND: Kind;
    const SLUGS: SlugTable;
}

/// Categories or tags, as editors write them.
pub struct Terms<V>(std::marker::PhantomData<V>);

impl<V: Vocabulary> Editable for Terms<V> {
    const COLLECTION: &'static str = V::COLLECTION;
    const KIND: Kind = V::CHANGE_KIND;
    const SLUGS: SlugTable = V::SLUGS;
    type Create = CreateTerm;
    type Update = UpdateTerm;

    fn create(conn: &mut Conn, input: CreateTerm, stamp: &Stamp) -> Result<i64, ApiError> {
        let input = input.parse()?;
        Ok(store::create(conn, V::KIND, &input, stamp)?.id)
    }

    fn update(conn: &mut Conn, key: &IdOrSlug, input: UpdateTerm, stamp: &Stamp) -> Result<i64, ApiError> {
        let changes = input.parse()?;
        Ok(store::update(conn, V::KIND, key, &changes, stamp)?.id)
    }

    fn delete(conn: &mut Conn, key: &IdOrSlug, stamp: &Stamp) -> Result<(), ApiError> {
        Ok(store::delete(conn, V::KIND, key, stamp)?)
    }

    fn answer(conn: &mut Conn, id: i64, _lang: Lang, _now: NaiveDateTime) -> Result<serde_json::Value, ApiError> {
        let term = store::find(conn, V::KIND, &IdOrSlug::Id(id))?.ok_or(ApiError::NotFound)?;
        to_value(TermView::from(term))
    }
}

macro_rules! term_endpoints {
    (
        $module:ident, $vocabulary:ty, $tag:tt, $collection:tt, $item:tt,
        ($list_id:tt, $get_id:tt, $create_id:tt, $update_id:tt, $delete_id:tt),
        $create_doc:tt, $update_doc:tt, $delete_doc:tt $(, $in_use:tt)?
    ) => {
        pub mod $module {
            use super::*;

            pub fn routes(cfg: &mut web::ServiceConfig) {
                let collection = &$collection["/api/v1".len()..];
                let item = &$item["/api/v1".len()..];
                cfg.service(at(collection).get(list).post(create))
                    .service(at(item).get(get).patch(update).delete(delete));
            }

            #[doc = concat!("List ", $tag, " in creation order.")]
            #[utoipa::path(get, path = $collection, tag = $tag, operation_id = $list_id, params(TermListQuery),
                responses((status = 200, body = Paged<TermView>, headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" page"))),
                    (status = 304, description = "Not modified"),))]
            pub async fn list(r: Reader, query: web::Query<TermListQuery>) -> Result<HttpResponse, ApiError> {
                list_terms(<$vocabulary as Vocabulary>::KIND, r, query).await
            }

            #[doc = concat!("Get one of the ", $tag, " by id or slug.")]
            #[utoipa::path(get, path = $item, tag = $tag, operation_id = $get_id, params(("id_or_slug" = String, Path, description = "Numeric id or slug")),
                responses((status = 200, body = TermView), (status = 304, description = "Not modified"),))]
            pub async fn get(r: Reader, key: web::Path<String>) -> Result<HttpResponse, ApiError> {
                get_term::<$vocabulary>(r, key).await
            }

            crate::editable_endpoints! {
                resource: Terms<$vocabulary>, tag: $tag, collection: $collection, item: $item, view: TermView,
                create: ($create_id, CreateTerm, $create_doc),
                update: ($update_id, UpdateTerm, $update_doc),
                delete: ($delete_id, $delete_doc $(, $in_use)?),
                invalid: "Invalid fields",
            }
        }
    };
}

/// Categories (chuyên mục).
pub struct CategoryVocabulary;

impl Vocabulary for CategoryVocabulary {
    const KIND: TermKind = TermKind::Category;
    const COLLECTION: &'static str = "categories";
    const CHANGE_KIND: Kind = Kind::Categories;
    const SLUGS: SlugTable = SlugTable::Categories;
}

/// Tags (thẻ).
pub struct TagVocabulary;

impl Vocabulary for TagVocabulary {
    const KIND: TermKind = TermKind::Tag;
    const COLLECTION: &'static str = "tags";
    const CHANGE_KIND: Kind = Kind::Tags;
    const SLUGS: SlugTable = SlugTable::Tags;
}

term_endpoints!(
    categories,
    CategoryVocabulary,
    "categories",
    "/api/v1/categories",
    "/api/v1/categories/{id_or_slug}",
    (
        "list_categories",
        "get_category",
        "create_category",
        "update_category",
        "delete_category"
    ),
    "Create a category (editor).",
    "Change a category (editor). Only the fields sent change.",
    "Delete a category (editor). A category that articles still use cannot be deleted (409 `in_use`).",
    "`in_use`"
);
term_endpoints!(
    tags,
    TagVocabulary,
    "tags",
    "/api/v1/tags",
    "/api/v1/tags/{id_or_slug}",
    ("list_tags", "get_tag", "create_tag", "update_tag", "delete_tag"),
    "Create a tag (editor).",
    "Change a tag (editor). Only the fields sent change.",
    "Delete a tag (editor). The tag is removed from the articles that carry it."
);
