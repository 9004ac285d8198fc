//! Structured logs: `tracing` spans per request (with a request id, also
//! sent back as `X-Request-Id`), as text or JSON lines.

use std::io::IsTerminal;

use actix_web::HttpMessage;

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(crate::config::DEFAULT_LOG));
    // Colours only for a person at a terminal (and not with NO_COLOR): a
    // journal, a file or a pipe gets plain text.
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The route template a request matched (`/api/v1/articles/{id_or_slug}`),
/// in its extensions once [`RequestSpan`] found it.
#[derive(Debug, Clone)]
pub struct RouteTemplate(pub String);

/// The span of each request (`TracingLogger<RequestSpan>`): tracing-actix-web's
/// fields, but the client address is the one bantin believes
/// ([`crate::http::client::client_ip`]: `X-Forwarded-For` only from
/// `BANTIN_TRUSTED_PROXIES`), and no host or scheme taken from forwarded
/// headers anyone can send.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use tracing::field::Empty;
        let proxies = request
            .app_data::<crate::http::client::TrustedProxies>()
            .map_or(&[][..], |p| &p.0[..]);
        let client_ip = crate::http::client::client_key(request.request(), proxies);
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let user_agent = request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let route = request.match_pattern().unwrap_or_default();
        let span = tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %redacted_target(request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("")),
            http.client_ip = %client_ip,
            http.user_agent = %user_agent,
            http.status_code = Empty,
            otel.status_code = Empty,
            request_id = %request_id,
            exception.message = Empty,
            exception.details = Empty,
        );
        // Matched once, for the metrics too.
        if !route.is_empty() {
            request.extensions_mut().insert(RouteTemplate(route));
        }
        span
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Query parameters whose values are credentials: never written to a log.
const SECRET_PARAMETERS: &[&str] = &[
    "key",
    "token",
    "preview",
    "access_token",
    "refresh_token",
    "password",
    "secret",
];

/// A request target fit for logs: the value of every credential in the
/// query string (`?key=`, `?token=`, `?preview=`) replaced by `[redacted]`.
pub fn redacted_target(target: &str) -> std::borrow::Cow<'_, str> {
    let Some((path, query)) = target.split_once('?') else {
        return target.into();
    };
    let is_secret = |pair: &str| {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        let name = url::form_urlencoded::parse(name.as_bytes())
            .next()
            .map(|(n, _)| n.to_ascii_lowercase())
            .unwrap_or_default();
        SECRET_PARAMETERS.contains(&name.as_str())
    };
    if !query.split('&').any(is_secret) {
        return target.into();
    }
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret(pair) => format!("{name}=[redacted]"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", pairs.join("&")).into()
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_actix_web::RootSpanBuilder;

    use super::RequestSpan;
    use crate::http::client::TrustedProxies;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The log line of one event in a request's span.
    fn line_of(request: &actix_web::dev::ServiceRequest) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            RequestSpan::on_request_start(request).in_scope(|| tracing::warn!("served"));
        });
        let bytes = captured.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    /// What a request's log line says of its client.
    fn logged(peer: &str, forwarded: &str, proxies: &[&str]) -> String {
        let request = actix_web::test::TestRequest::default()
            .peer_addr(peer.parse().unwrap())
            .insert_header(("X-Forwarded-For", forwarded))
            .app_data(TrustedProxies(proxies.iter().map(|p| p.parse().unwrap()).collect()))
            .to_srv_request();
        line_of(&request)
    }

    #[test]
    fn credentials_in_the_address_are_not_logged() {
        use super::redacted_target;
        assert_eq!(redacted_target("/api/v1/articles?limit=5"), "/api/v1/articles?limit=5");
        assert_eq!(
            redacted_target("/api/v1/articles?key=bantin_ik_abc123&limit=5"),
            "/api/v1/articles?key=[redacted]&limit=5"
        );
        assert_eq!(
            redacted_target("/api/v1/articles/1?preview=tok&%6Bey=bantin_ck_x&TOKEN=y"),
            "/api/v1/articles/1?preview=[redacted]&%6Bey=[redacted]&TOKEN=[redacted]"
        );
        let request = actix_web::test::TestRequest::default()
            .uri("/api/v1/articles?key=bantin_ik_0123456789abcdef")
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .to_srv_request();
        let line = line_of(&request);
        assert!(
            line.contains("key=[redacted]") && !line.contains("0123456789abcdef"),
            "{line}"
        );
    }

    #[test]
    fn the_logged_client_is_the_one_bantin_believes() {
        // Anyone can send X-Forwarded-For: from a stranger it is not believed.
        let line = logged("198.51.100.4:5000", "203.0.113.7", &[]);
        assert!(line.contains("http.client_ip=198.51.100.4"), "{line}");
        assert!(!line.contains("203.0.113.7"), "{line}");
        // From the configured proxy, the address it forwards.
        let line = logged("127.0.0.1:5000", "203.0.113.7", &["127.0.0.1"]);
        assert!(line.contains("http.client_ip=203.0.113.7"), "{line}");
    }
}
