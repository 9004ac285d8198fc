//! What recording one request in the Prometheus metrics costs, in
//! nanoseconds: `bantin::metrics::request` (handles kept per worker thread)
//! against the plain `metrics` macros with the labels built for each request
//! (what it did before). Run by hand: `cargo bench --bench metrics`.
//!
//! The mix is the API's route templates with a skew (a few routes take most
//! requests, as on a portal), methods and statuses as they come; the
//! recorder is the real one, its upkeep thread running.

use std::hint::black_box;
use std::time::Instant;

use actix_web::http::Method;

const CALLS: usize = 2_000_000;

fn main() {
    let handle = bantin::metrics::handle();
    let document: serde_json::Value = serde_json::from_str(&bantin::openapi::document_json()).unwrap();
    let routes: Vec<String> = document["paths"].as_object().unwrap().keys().cloned().collect();
    // A skewed stream of (method, route, status): route k with weight 1/(k+1).
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let stream: Vec<(Method, usize, u16)> = (0..4096)
        .map(|_| {
            let u = (next() % 1_000_000) as f64 / 1_000_000.0;
            let route = ((routes.len() as f64).powf(u) as usize)
                .saturating_sub(1)
                .min(routes.len() - 1);
            let method = if next() % 10 == 0 { Method::POST } else { Method::GET };
            let status = [200, 200, 200, 200, 200, 304, 404, 422][(next() % 8) as usize];
            (method, route, status)
        })
        .collect();

    for round in 0..3 {
        let started = Instant::now();
        for i in 0..CALLS {
            let (method, route, status) = &stream[i % stream.len()];
            bantin::metrics::request(method, Some(&routes[*route]), *status, black_box(started));
        }
        let cached = started.elapsed().as_nanos() as f64 / CALLS as f64;

        let started = Instant::now();
        for i in 0..CALLS {
            let (method, route, status) = &stream[i % stream.len()];
            let labels = [
                ("method", method.as_str().to_string()),
                ("route", routes[*route].clone()),
                ("status", status.to_string()),
            ];
            metrics::counter!("bench_requests_total", &labels).increment(1);
            metrics::histogram!("bench_request_duration_seconds", &labels)
                .record(black_box(started).elapsed().as_secs_f64());
        }
        let uncached = started.elapsed().as_nanos() as f64 / CALLS as f64;
        println!(
            "round {round}: bantin::metrics::request {cached:.0} ns a request; labels built each time {uncached:.0} ns"
        );
    }
    black_box(handle.render().len());
}
