//! Who is making a request. [`Auth`] requires a signed-in user or an
//! integration key; [`MaybeAuth`] allows anonymous requests (and content
//! keys, which grant no more than anonymity) but still refuses a bad token
//! (a broken credential is never silently downgraded to anonymous).

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};

use crate::changes::{Actor, Kind};
use crate::http::error::ApiError;
use crate::keys::model::{Grant, KeyKind, Scope};
use crate::state::AppState;
use crate::users::model::{Role, User};
use crate::users::store as users;

/// A signed-in user, or a script's integration key.
#[derive(Debug, Clone)]
pub enum Who {
    /// Loaded fresh from the database on each request, so that a deleted
    /// user's tokens stop working and role changes apply at once.
    User {
        user: User,
        role: Role,
        /// The session (sign-in) the access token belongs to.
        session: String,
    },
    Key(Grant),
}

#[derive(Debug, Clone)]
pub struct Auth {
    pub who: Who,
}

impl Auth {
    /// The user behind the request; a key is not one (403).
    pub fn user(&self) -> Result<&User, ApiError> {
        match &self.who {
            Who::User { user, .. } => Ok(user),
            Who::Key(_) => Err(ApiError::Forbidden),
        }
    }

    fn role(&self) -> Option<Role> {
        match &self.who {
            Who::User { role, .. } => Some(*role),
            Who::Key(_) => None,
        }
    }

    fn require(&self, allowed: bool) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Admins only (never a key: keys cannot manage users, keys or webhooks).
    pub fn require_admin(&self) -> Result<(), ApiError> {
        self.require(self.role() == Some(Role::Admin))
    }

    /// Moderators and admins, or a key with `comments:moderate`.
    pub fn require_moderator(&self) -> Result<(), ApiError> {
        self.require_write(Kind::Comments)
    }

    /// May write items of `kind`: editors and admins write content,
    /// moderators and admins comments; a key within its scopes.
    pub fn may_write(&self, kind: Kind) -> bool {
        match &self.who {
            Who::User { role, .. } if kind == Kind::Comments => role.can_moderate(),
            Who::User { role, .. } => role.can_edit_content(),
            Who::Key(grant) => grant.kind == KeyKind::Integration && grant.scopes.contains(&Scope::to_write(kind)),
        }
    }

    /// [`Auth::may_write`], or why not: a key is told the scope it lacks.
    pub fn require_write(&self, kind: Kind) -> Result<(), ApiError> {
        match &self.who {
            Who::Key(_) if !self.may_write(kind) => Err(ApiError::ScopeMissing(Scope::to_write(kind).to_string())),
            _ => self.require(self.may_write(kind)),
        }
    }

    /// Who the change log says made a change.
    pub fn actor(&self) -> Actor {
        match &self.who {
            Who::User { user, .. } => Actor::User(user.id),
            Who::Key(grant) => Actor::Key(grant.id),
        }
    }
}

#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<Auth>);

impl MaybeAuth {
    /// Who may cache what this caller is answered: answers to signed-in
    /// users and integration keys may hold drafts and are never shared.
    pub fn audience(&self) -> crate::http::cache::Audience {
        if self.0.is_some() {
            crate::http::cache::Audience::Private
        } else {
            crate::http::cache::Audience::Public
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

    /// Whether the caller may see unpublished items of `kind`: those who may write them.
    pub fn may_write(&self, kind: Kind) -> bool {
        self.0.as_ref().is_some_and(|a| a.may_write(kind))
    }

    /// Whether the caller may see unpublished articles.
    pub fn is_editor(&self) -> bool {
        self.may_write(Kind::Articles)
    }

    /// The kinds whose unpublished items the caller sees.
    pub fn editable(&self) -> Vec<Kind> {
        Kind::ALL
            .iter()
            .filter_map(|k| Kind::parse(k))
            .filter(|k| self.may_write(*k))
            .collect()
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

/// The caller: a user by their access token, or an integration key that
/// the gate ([`super::gate`]) found; `None` when anonymous or with a
/// content key.
async fn authenticate(req: HttpRequest) -> Result<Option<Auth>, ApiError> {
    if let Some(grant) = req.extensions().get::<Grant>().cloned() {
        return Ok((grant.kind == KeyKind::Integration).then_some(Auth { who: Who::Key(grant) }));
    }
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
    Ok(Some(Auth {
        who: Who::User { user, role, session },
    }))
}

impl FromRequest for Auth {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match authenticate(req.clone()).await? {
                Some(auth) => Ok(auth),
                // A content key is a credential, just not one that grants this.
                None if req.extensions().contains::<Grant>() => Err(ApiError::Forbidden.into()),
                None => Err(ApiError::Unauthorized.into()),
            }
        })
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
