//! `basic_auth_users`: user → bcrypt hash.
//!
//! bcrypt is slow on purpose (tens of milliseconds at cost 10), so it runs on
//! the blocking pool, a few at a time, and a success is remembered: a
//! Prometheus scraping every 15 s pays for it once. Only successes are
//! remembered, so a wrong guess always costs the guesser a full bcrypt.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

use base64::Engine as _;
use hyper::header::HeaderValue;
use subtle::ConstantTimeEq as _;
use tokio::sync::Semaphore;

use super::{WebConfigError, error};

/// Remembered successes; more distinct credentials than this in use at
/// once only cost a bcrypt now and then.
const CACHE_ENTRIES: usize = 64;

/// No `Debug`: it holds password hashes.
pub struct BasicAuth {
    users: HashMap<String, String>,
    /// Checked against for unknown users, so the time of a refusal does
    /// not tell whether the user exists.
    decoy: String,
    /// SHA-256 of (user, password) pairs that passed.
    passed: Mutex<VecDeque<[u8; 32]>>,
    /// Guessing passwords must not take every core.
    bcrypt_slots: Semaphore,
}

impl BasicAuth {
    pub(super) fn new(users: BTreeMap<String, String>) -> Result<BasicAuth, WebConfigError> {
        for (user, hash) in &users {
            let field = format!("basic_auth_users.{user}");
            if user.is_empty() || user.contains(':') {
                return Err(error(
                    field,
                    "a user name must be non-empty and without ':'",
                ));
            }
            // The hash itself is never part of the message.
            if hash.parse::<bcrypt::HashParts>().is_err() {
                return Err(error(field, "not a bcrypt hash ($2a$, $2b$ or $2y$)"));
            }
        }
        let decoy = users.values().next().cloned().unwrap_or_default();
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Ok(BasicAuth {
            users: users.into_iter().collect(),
            decoy,
            passed: Mutex::new(VecDeque::with_capacity(CACHE_ENTRIES)),
            bcrypt_slots: Semaphore::new(cores),
        })
    }

    /// Whether the `Authorization` header names a configured user with
    /// the right password.
    pub async fn allows(&self, authorization: Option<&HeaderValue>) -> bool {
        let Some((user, password)) = authorization.and_then(credentials) else {
            return false;
        };
        let key = cache_key(&user, &password);
        if self.remembered(&key) {
            return true;
        }
        let known = self.users.get(&user);
        let hash = known.unwrap_or(&self.decoy).clone();
        let Ok(_slot) = self.bcrypt_slots.acquire().await else {
            return false;
        };
        let matches =
            tokio::task::spawn_blocking(move || bcrypt::verify(&password, &hash).unwrap_or(false))
                .await
                .unwrap_or(false);
        let ok = known.is_some() && matches;
        if ok {
            self.remember(key);
        }
        ok
    }

    /// Compares with every entry, in constant time each, so the time taken
    /// says nothing about which bytes matched.
    fn remembered(&self, key: &[u8; 32]) -> bool {
        let passed = match self.passed.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut found = subtle::Choice::from(0);
        for entry in passed.iter() {
            found |= entry[..].ct_eq(&key[..]);
        }
        bool::from(found)
    }

    fn remember(&self, key: [u8; 32]) {
        let mut passed = match self.passed.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if passed.len() >= CACHE_ENTRIES {
            passed.pop_front();
        }
        passed.push_back(key);
    }
}

/// User and password from `Basic <base64(user:password)>`.
fn credentials(value: &HeaderValue) -> Option<(String, Vec<u8>)> {
    let text = value.to_str().ok()?;
    let (scheme, encoded) = text.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let colon = decoded.iter().position(|b| *b == b':')?;
    let user = String::from_utf8(decoded[..colon].to_vec()).ok()?;
    Some((user, decoded[colon + 1..].to_vec()))
}

/// Length-prefixed so ("ab", "c") and ("a", "bc") differ.
fn cache_key(user: &str, password: &[u8]) -> [u8; 32] {
    let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
    digest.update(&(user.len() as u64).to_be_bytes());
    digest.update(user.as_bytes());
    digest.update(password);
    let mut out = [0; 32];
    out.copy_from_slice(digest.finish().as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> BasicAuth {
        // Cost 4 keeps the test fast; the exporter accepts any cost.
        let hash = bcrypt::hash("secret", 4).unwrap();
        BasicAuth::new(BTreeMap::from([("prometheus".to_owned(), hash)])).unwrap()
    }

    fn header(user: &str, password: &str) -> HeaderValue {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        HeaderValue::from_str(&format!("Basic {encoded}")).unwrap()
    }

    #[tokio::test]
    async fn right_wrong_and_unknown() {
        let auth = auth();
        assert!(auth.allows(Some(&header("prometheus", "secret"))).await);
        // Now from the cache.
        assert!(auth.allows(Some(&header("prometheus", "secret"))).await);
        assert!(!auth.allows(Some(&header("prometheus", "wrong"))).await);
        assert!(!auth.allows(Some(&header("nobody", "secret"))).await);
        assert!(!auth.allows(None).await);
        let bearer = HeaderValue::from_static("Bearer abc");
        assert!(!auth.allows(Some(&bearer)).await);
    }

    #[tokio::test]
    async fn only_successes_are_remembered() {
        let auth = auth();
        assert!(!auth.allows(Some(&header("prometheus", "wrong"))).await);
        assert_eq!(auth.passed.lock().unwrap().len(), 0);
        assert!(auth.allows(Some(&header("prometheus", "secret"))).await);
        assert_eq!(auth.passed.lock().unwrap().len(), 1);
    }

    #[test]
    fn bad_hash_is_refused_without_quoting_it() {
        let e = BasicAuth::new(BTreeMap::from([("u".to_owned(), "plaintext".to_owned())]))
            .err()
            .unwrap();
        assert_eq!(e.field, "basic_auth_users.u");
        assert!(!e.to_string().contains("plaintext"));
    }
}
