//! What the visit counter answers.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"total_visits": 2761868, "online_now": 187}))]
pub struct Stats {
    /// Every visit counted since the portal began (beacons of the last few seconds included).
    pub total_visits: i64,
    /// Distinct visitors seen in the last 5 minutes.
    pub online_now: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"visitor_id": "Xk3v9Qm2T0eYw7Lr1bNc8A", "total_visits": 2761868, "online_now": 187}))]
pub struct VisitAck {
    /// Send it back as `X-Visitor-Id` on later beacons and ratings.
    pub visitor_id: String,
    pub total_visits: i64,
    pub online_now: i64,
}
