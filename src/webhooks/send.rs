//! Sending deliveries: the signature, one HTTP attempt, and the loop each
//! instance runs (fan out new changes, claim what is due, send, record).
//!
//! Every request carries `Bantin-Delivery` (the delivery id, the same on
//! every attempt: receivers de-duplicate with it), `Bantin-Event` and
//! `Bantin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`
//! keyed with the hook's secret.

use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::guard::Guard;
use super::model::{Delivery, Outcome};
use super::store::{self, Claimed};
use crate::config::WebhookSettings;
use crate::state::AppState;

/// Deliveries one instance sends at once.
const IN_FLIGHT: i64 = 32;

pub fn wall_clock() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// `t=<unix>,v1=<hex HMAC-SHA256(secret, "<unix>.<body>")>`.
pub fn signature(secret: &str, unix: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{unix}.{body}").as_bytes());
    format!("t={unix},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// What sends deliveries: the guard, and an HTTP client that connects only
/// where the guard allows.
pub struct Sender {
    client: awc::Client,
    guard: Guard,
}

impl Sender {
    pub fn new(settings: &WebhookSettings) -> Sender {
        Sender {
            client: client(settings),
            guard: Guard::new(settings),
        }
    }

    /// One attempt to deliver to `url`.
    pub async fn attempt(&self, url: &str, secret: &str, delivery: &Delivery) -> Outcome {
        if let Err(refused) = self.guard.precheck(url) {
            return Outcome {
                status: None,
                duration_ms: 0,
                error: Some(format!("refused: {refused}")),
            };
        }
        attempt(&self.client, url, secret, delivery).await
    }
}

/// An HTTP client that connects only where the guard allows, verifies TLS
/// against the system's certificates, follows no redirect and waits at
/// most `timeout` for an answer.
fn client(settings: &WebhookSettings) -> awc::Client {
    let resolver = actix_tls::connect::Resolver::custom(Guard::new(settings));
    let tcp = actix_tls::connect::Connector::new(resolver).service();
    let mut connector = awc::Connector::new()
        .connector(tcp)
        .timeout(settings.timeout.min(Duration::from_secs(5)));
    if let Some(tls) = tls() {
        connector = connector.openssl(tls);
    }
    awc::Client::builder()
        .connector(connector)
        .disable_redirects()
        .timeout(settings.timeout)
        .add_default_header(("User-Agent", concat!("bantin-webhooks/", env!("CARGO_PKG_VERSION"))))
        .finish()
}

/// TLS with the certificates of the system bantin runs on (OpenSSL is
/// built with bantin, so it does not know where they are by itself).
fn tls() -> Option<openssl::ssl::SslConnector> {
    use openssl::ssl::{SslConnector, SslMethod};
    let mut builder = SslConnector::builder(SslMethod::tls_client()).ok()?;
    let probe = openssl_probe::probe();
    if let Some(file) = &probe.cert_file {
        let _ = builder.set_ca_file(file);
    }
    let _ = builder.set_alpn_protos(b"\x08http/1.1");
    Some(builder.build())
}

async fn attempt(client: &awc::Client, url: &str, secret: &str, delivery: &Delivery) -> Outcome {
    let body = delivery.body();
    let unix = chrono::Utc::now().timestamp();
    let started = Instant::now();
    let sent = client
        .post(url)
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("Bantin-Delivery", delivery.id.to_string()))
        .insert_header(("Bantin-Event", delivery.event.as_str()))
        .insert_header(("Bantin-Signature", signature(secret, unix, &body)))
        .send_body(body)
        .await;
    let duration_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            Outcome {
                status: Some(status),
                duration_ms,
                error: (!(200..300).contains(&status)).then(|| format!("the receiver answered {status}")),
            }
        }
        Err(e) => Outcome {
            status: None,
            duration_ms,
            error: Some(describe(&e)),
        },
    }
}

fn describe(error: &awc::error::SendRequestError) -> String {
    use awc::error::SendRequestError as E;
    let text = match error {
        E::Timeout => "no answer in time".to_string(),
        E::Connect(e) => format!("could not connect: {e}"),
        other => other.to_string(),
    };
    text.chars().take(500).collect()
}

/// What the loop does each round: fan out, then send what is due until
/// nothing is. Returns how many deliveries it sent.
///
/// Deliveries are timed by the wall clock (retries, leases, the 24 hours),
/// not by the app's clock, which says what is published.
pub async fn round(state: &AppState, sender: &Sender) -> usize {
    let settings = state.config.webhooks.clone();
    let (now, content_now) = (wall_clock(), state.clock.now());
    let fanned = crate::db::run(&state.background, move |conn| {
        let render = |conn: &mut crate::db::Conn, kind, ids: &[i64]| {
            crate::changes::views::current(conn, kind, ids, false, crate::http::lang::Lang::Vi, content_now)
        };
        store::fan_out(conn, now, &render)
    })
    .await;
    if let Err(e) = fanned {
        tracing::warn!(error = %e, "turning changes into webhook deliveries failed");
        return 0;
    }
    let mut sent = 0;
    loop {
        let now = wall_clock();
        let lease = chrono::Duration::from_std(settings.timeout * 2 + Duration::from_secs(30))
            .unwrap_or(chrono::Duration::minutes(1));
        let claimed = match crate::db::run(&state.background, move |conn| {
            store::claim(conn, now, now + lease, IN_FLIGHT)
        })
        .await
        {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!(error = %e, "claiming webhook deliveries failed");
                return sent;
            }
        };
        if claimed.is_empty() {
            return sent;
        }
        sent += claimed.len();
        let attempts = claimed.into_iter().map(|Claimed { delivery, url, secret }| async move {
            let outcome = sender.attempt(&url, &secret, &delivery).await;
            (delivery, outcome)
        });
        let done = futures_util::future::join_all(attempts).await;
        for (delivery, outcome) in &done {
            if !outcome.delivered() {
                tracing::info!(delivery = delivery.id, webhook = delivery.webhook_id, error = ?outcome.error, "webhook delivery failed");
            }
        }
        let (now, base, window) = (wall_clock(), settings.retry_base, settings.retry_window);
        let recorded = crate::db::run(&state.background, move |conn| {
            store::finish_all(conn, &done, now, base, window)
        })
        .await;
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "recording webhook deliveries failed");
        }
    }
}

/// The loop every instance runs: a round whenever a change commits here,
/// and every `poll` for changes made by other instances and retries due.
pub async fn run(state: AppState) {
    let sender = Sender::new(&state.config.webhooks);
    let mut changed = state.signal.subscribe();
    let poll = state.config.webhooks.poll;
    loop {
        round(&state, &sender).await;
        tokio::select! {
            _ = changed.changed() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_documented_hmac() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test", b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest())'
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}
