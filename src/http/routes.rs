//! How every path is registered: one resource per path with the methods it
//! answers; `HEAD` wherever `GET` is; any other method is a 405 that says,
//! in `Allow`, which ones are.

use actix_web::dev::HttpServiceFactory;
use actix_web::{web, FromRequest, Handler, Responder};

use super::ApiError;

pub struct Endpoint {
    resource: actix_web::Resource,
    allow: Vec<&'static str>,
}

/// The path's resource, to give methods to.
pub fn at(path: &str) -> Endpoint {
    Endpoint {
        resource: web::resource(path),
        allow: Vec::new(),
    }
}

impl Endpoint {
    fn with<F, Args>(mut self, methods: &[&'static str], f: F) -> Self
    where
        F: Handler<Args> + Clone,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        for method in methods {
            let route = match *method {
                "GET" => web::get(),
                "HEAD" => web::head(),
                "POST" => web::post(),
                "PATCH" => web::patch(),
                "DELETE" => web::delete(),
                other => unreachable!("no route for {other}"),
            };
            self.resource = self.resource.route(route.to(f.clone()));
            self.allow.push(method);
        }
        self
    }

    /// `GET`, and `HEAD` with the same headers and no body.
    pub fn get<F, Args>(self, f: F) -> Self
    where
        F: Handler<Args> + Clone,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.with(&["GET", "HEAD"], f)
    }

    pub fn post<F, Args>(self, f: F) -> Self
    where
        F: Handler<Args> + Clone,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.with(&["POST"], f)
    }

    pub fn patch<F, Args>(self, f: F) -> Self
    where
        F: Handler<Args> + Clone,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.with(&["PATCH"], f)
    }

    pub fn delete<F, Args>(self, f: F) -> Self
    where
        F: Handler<Args> + Clone,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.with(&["DELETE"], f)
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut actix_web::dev::AppService) {
        let allow = self.allow.join(", ");
        let resource = self.resource.default_service(web::to(move || {
            let allow = allow.clone();
            async move { Err::<actix_web::HttpResponse, _>(ApiError::MethodNotAllowed { allow }) }
        }));
        resource.register(config)
    }
}
