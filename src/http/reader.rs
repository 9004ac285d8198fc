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
