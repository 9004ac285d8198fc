//! Who is making a request. [`Auth`] requires a valid access token;
//! [`MaybeAuth`] allows anonymous requests but still refuses a bad token
//! (a broken credential is never silently downgraded to anonymous).

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};

use super::error::ApiError;
use crate::state::AppState;
use crate::users::model::{Role, User};
use crate::users::store as users;

/// An authenticated user, loaded fresh from the database on each request so
/// that a deleted user's tokens stop working and role changes apply at once.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub role: Role,
    /// The session (sign-in) the access token belongs to.
    pub session: String,
}

impl Auth {
    pub fn require(&self, allowed: impl Fn(Role) -> bool) -> Result<(), ApiError> {
        if allowed(self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    pub fn require_editor(&self) -> Result<(), ApiError> {
        self.require(Role::can_edit_content)
    }

    pub fn require_moderator(&self) -> Result<(), ApiError> {
        self.require(Role::can_moderate)
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        self.require(|r| r == Role::Admin)
    }
}

#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<Auth>);

impl MaybeAuth {
    /// Who may cache what this caller is answered: signed-in answers may
    /// hold drafts and are never shared.
    pub fn audience(&self) -> super::cache::Audience {
        if self.0.is_some() {
            super::cache::Audience::Private
        } else {
            super::cache::Audience::Public
        }
    }

    /// The pool a read for this caller goes to: signed-in callers (editors
    /// who just wrote, and must see it) read the primary; everyone else the
    /// replica, if there is one.
    pub fn pool<'a>(&self, state: &'a AppState) -> &'a crate::db::DbPool {
        if self.0.is_some() {
            &state.pool
        } else {
            &state.read_pool
        }
    }

    /// Whether the caller may see unpublished content.
    pub fn is_editor(&self) -> bool {
        self.0.as_ref().is_some_and(|a| a.role.can_edit_content())
    }
}

fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ApiError::Unauthorized)?;
    let (scheme, token) = value.split_once(' ').ok_or(ApiError::Unauthorized)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized);
    }
    Ok(Some(token.trim().to_string()))
}

async fn authenticate(req: HttpRequest) -> Result<Option<Auth>, ApiError> {
    let Some(token) = bearer_token(&req)? else {
        return Ok(None);
    };
    let state = req.app_data::<web::Data<AppState>>().ok_or(ApiError::Internal)?.clone();
    let bearer = state.keys.verify(&token)?;
    let now = state.clock.now();
    let session = bearer.session.clone();
    let user = crate::db::run(&state.pool, move |conn| {
        // The user, and only while the session the token belongs to stands
        // and no "end every session" has happened since it was issued.
        let user = users::find(conn, bearer.user_id)?.filter(|u| u.session_version == bearer.version);
        match user {
            Some(user) if crate::auth::store::session_stands(conn, &bearer.session, now)? => Ok(Some(user)),
            _ => Ok::<_, ApiError>(None),
        }
    })
    .await?
    .ok_or(ApiError::Unauthorized)?;
    let role = user.role();
    Ok(Some(Auth { user, role, session }))
}

impl FromRequest for Auth {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or_else(|| ApiError::Unauthorized.into()) })
    }
}

impl FromRequest for MaybeAuth {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeAuth(authenticate(req).await?)) })
    }
}
