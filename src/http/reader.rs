//! What every read handler starts from: the request, who asks (anonymous
//! or signed in), in which language, and the app's state. One extractor,
//! so a handler names only what is its own (the path, the query).

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};

use super::auth::MaybeAuth;
use super::lang::Lang;
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

    /// Loads an item with `load` on the caller's pool and answers it with
    /// caching headers (`ETag`, `Cache-Control`, 304).
    pub async fn json<T, F>(&self, load: F) -> Result<actix_web::HttpResponse, super::ApiError>
    where
        F: FnOnce(&mut crate::db::Conn) -> Result<T, super::ApiError> + Send + 'static,
        T: serde::Serialize + Send + 'static,
    {
        let item = crate::db::run(self.pool(), load).await?;
        super::cache::cached_json(&self.req, &item, self.auth.audience())
    }
}
