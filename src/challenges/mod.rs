//! One-time verification challenges for anonymous writes ("Mã xác thực").
//! The kind is pluggable ([`ChallengeKind`]); bantin ships a distorted image
//! code. Answers are stored only as salted hashes and checked once: right
//! or wrong, a challenge is spent.

pub mod api;
pub mod store;
pub mod views;

use captcha::filters::{Dots, Noise, Wave};

/// What a challenge shows and the answer it expects.
pub struct Generated {
    pub answer: String,
    /// A `data:` URL the client can show as it is.
    pub image: String,
}

pub trait ChallengeKind: Send + Sync {
    /// The `kind` reported to clients.
    fn name(&self) -> &'static str;
    fn generate(&self) -> anyhow::Result<Generated>;
}

/// Five characters drawn with noise, waves and dots: readable by people,
/// not by trivial OCR. Letters that look alike (0/o, 1/l/i, 9/g/q) are left out.
pub struct ImageCode;

const CHARS: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'h', 'k', 'm', 'n', 'p', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '2', '3', '4',
    '5', '6', '7', '8',
];

impl ChallengeKind for ImageCode {
    fn name(&self) -> &'static str {
        "image_code"
    }

    fn generate(&self) -> anyhow::Result<Generated> {
        use base64::Engine as _;
        let mut captcha = captcha::Captcha::new();
        let allowed: Vec<char> = captcha
            .supported_chars()
            .into_iter()
            .filter(|c| CHARS.contains(&c.to_ascii_lowercase()))
            .collect();
        captcha
            .set_chars(&allowed)
            .add_chars(5)
            .apply_filter(Noise::new(0.2))
            .apply_filter(Wave::new(2.0, 12.0).horizontal())
            .apply_filter(Wave::new(2.0, 8.0).vertical())
            .view(220, 90)
            .apply_filter(Dots::new(10));
        let (answer, png) = captcha
            .as_tuple()
            .ok_or_else(|| anyhow::anyhow!("the challenge image could not be drawn"))?;
        let image = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        Ok(Generated { answer, image })
    }
}

/// A challenge whose answer is known in advance: for tests, which cannot
/// read images. The real binary takes one only in a debug build, from
/// `BANTIN_TEST_CHALLENGE_ANSWER` (see `main.rs`); a release build has no
/// way to switch verification off.
pub struct FixedAnswer(pub String);

impl ChallengeKind for FixedAnswer {
    fn name(&self) -> &'static str {
        "known_answer"
    }

    fn generate(&self) -> anyhow::Result<Generated> {
        Ok(Generated {
            answer: self.0.clone(),
            image: "data:image/png;base64,".into(),
        })
    }
}

/// How an answer is stored: SHA-256 over a server secret, the challenge id
/// and the answer in lowercase (answers are case-insensitive).
pub fn answer_hash(secret: &[u8], id: &str, answer: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(secret);
    hasher.update([0]);
    hasher.update(id.as_bytes());
    hasher.update([0]);
    hasher.update(answer.trim().to_lowercase().as_bytes());
    hex::encode(hasher.finalize())
}

/// Checks an answer and spends the challenge, right or wrong: whether it
/// was right (an unknown, expired or reused challenge is wrong).
pub fn verify(
    conn: &mut crate::db::Conn,
    secret: &[u8],
    id: &str,
    answer: &str,
    now: chrono::NaiveDateTime,
) -> crate::db::StoreResult<bool> {
    Ok(store::take(conn, id)?
        .is_some_and(|(hash, expires_at)| expires_at >= now && answer_hash(secret, id, answer) == hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_codes_are_pngs_with_five_readable_characters() {
        let g = ImageCode.generate().unwrap();
        assert_eq!(g.answer.chars().count(), 5);
        assert!(
            g.answer.chars().all(|c| CHARS.contains(&c.to_ascii_lowercase())),
            "{}",
            g.answer
        );
        assert!(g.image.starts_with("data:image/png;base64,iVBOR"));
    }

    #[test]
    fn answers_hash_case_insensitively_per_challenge() {
        assert_eq!(answer_hash(b"s", "id1", "AbC12"), answer_hash(b"s", "id1", " abc12 "));
        assert_ne!(answer_hash(b"s", "id1", "abc12"), answer_hash(b"s", "id2", "abc12"));
        assert_ne!(answer_hash(b"s", "id1", "abc12"), answer_hash(b"t", "id1", "abc12"));
    }
}
