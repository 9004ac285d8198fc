//! What every read handler starts from: the request, who asks (anonymous
//! or signed in), in which language, and the app's state. One extractor,
//! so a handler names only what is its own (the path, the query).

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};

use super::auth::MaybeAuth;
use crate::changes::Kind;
use crate::db::slug::SlugTable;
use crate::db::IdOrSlug;
use crate::http::lang::Lang;
use crate::http::ApiError;
use crate::state::AppState;

pub struct Reader {
    pub req: HttpRequest,
    pub auth: MaybeAuth,
    pub lang: Lang,
    pub state: web::Data<AppState>,
}

impl FromRequest for Reader {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let auth = MaybeAuth::from_request(&req, payload);
        Box::pin(async move {
            let state = web::Data::<AppState>::extract(&req).await?;
            Ok(Reader {
                lang: Lang::from_request(&req),
                auth: auth.await?,
                req,
                state,
            })
        })
    }
}

impl Reader {
    /// The pool this caller's reads go to (see [`MaybeAuth::pool`]).
    pub fn pool(&self) -> &crate::db::DbPool {
        self.auth.pool(&self.state)
    }

    pub fn now(&self) -> chrono::NaiveDateTime {
        self.state.clock.now()
    }

    /// Whether the caller sees only what is public (no drafts).
    pub fn public_only(&self) -> bool {
        !self.auth.is_editor()
    }

    /// Loads the item `key` names with `load` (its id and its view) on the
    /// caller's pool and answers it with caching headers (an `ETag` that
    /// carries its version, `Cache-Control`, 304). A slug the item had
    /// before it was renamed answers `301` to the current one.
    pub async fn item<T, F>(
        &self,
        kind: Kind,
        table: SlugTable,
        key: IdOrSlug,
        load: F,
    ) -> Result<HttpResponse, ApiError>
    where
        F: FnOnce(&mut crate::db::Conn, &IdOrSlug) -> Result<(i64, T), ApiError> + Send + 'static,
        T: serde::Serialize + Send + 'static,
    {
        let found = crate::db::run(self.pool(), move |conn| match load(conn, &key) {
            Ok((id, item)) => Ok(Found::Item(item, crate::changes::store::version(conn, kind, id)?)),
            Err(ApiError::NotFound) => renamed(conn, table, &key)?.map(Found::Moved).ok_or(ApiError::NotFound),
            Err(e) => Err(e),
        })
        .await?;
        match found {
            Found::Item(item, version) => {
                crate::http::cache::cached_item(&self.req, &item, self.auth.audience(), version)
            }
            Found::Moved(slug) => Ok(moved(&self.req, &slug)),
        }
    }
}

enum Found<T> {
    Item(T, i64),
    Moved(String),
}

/// The current slug of an item `key` names by a slug it no longer has.
pub fn renamed(conn: &mut crate::db::Conn, table: SlugTable, key: &IdOrSlug) -> Result<Option<String>, ApiError> {
    match key {
        IdOrSlug::Slug(old) => Ok(crate::db::slug::current(conn, table, old)?),
        IdOrSlug::Id(_) => Ok(None),
    }
}

/// `301 Moved Permanently` to the same address with its last path segment
/// (an old slug) replaced by `slug`, from `BANTIN_PUBLIC_URL`.
pub fn moved(req: &HttpRequest, slug: &str) -> HttpResponse {
    let base = req
        .app_data::<crate::http::pagination::PublicUrl>()
        .map(|u| u.0.trim_end_matches('/'))
        .unwrap_or("");
    let path = req.path();
    let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
    let query = match req.query_string() {
        "" => String::new(),
        q => format!("?{q}"),
    };
    HttpResponse::MovedPermanently()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("{base}{parent}/{slug}{query}"),
        ))
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            crate::http::cache::PUBLIC_CACHE_CONTROL,
        ))
        .finish()
}
