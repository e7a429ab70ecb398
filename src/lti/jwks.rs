//! Platform public keys: each registration's JWKS, fetched over HTTP and cached per URL.
//! A `kid` missing from a fresh cache causes one refetch, at most once per cooldown, so a
//! platform's key rotation is picked up while forged `kid`s cannot make the tool hammer
//! the platform (or itself).

use super::http::{Http as _, UreqHttp};
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm, PublicKeyUse};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a fetched JWKS is used before it is fetched again.
pub const MAX_AGE: Duration = Duration::from_secs(3600);

/// Fetches a JWKS document.
pub trait Fetch: Send + Sync {
    /// The key set at `url`, or a message saying why it could not be had.
    fn fetch(&self, url: &str) -> Result<JwkSet, String>;
}

/// Fetches over HTTP(S) with the tool's client (`http::UreqHttp`: 10 s timeout, 1 MiB limit).
#[derive(Default)]
pub struct HttpFetch {
    client: UreqHttp,
}

impl Fetch for HttpFetch {
    fn fetch(&self, url: &str) -> Result<JwkSet, String> {
        let document = self.client.get_json(url)?;
        serde_json::from_value(document).map_err(|e| format!("not a JWKS: {e}"))
    }
}

/// Why no key could be had for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The JWKS could not be fetched or read.
    Fetch(String),
    /// No key with this `kid`, even after the allowed refetch.
    UnknownKid(String),
    /// The key exists but is not an RS256 signing key.
    Unusable(String),
}

struct Cached {
    set: JwkSet,
    fetched: Instant,
}

/// The cache of platform key sets: one entry per JWKS URL, each with its own lock, so a
/// slow platform holds up only its own launches.
pub struct PlatformKeys {
    fetch: Box<dyn Fetch>,
    cooldown: Duration,
    cache: Mutex<HashMap<String, Arc<Mutex<Option<Cached>>>>>,
}

impl PlatformKeys {
    /// A cache fetching with `fetch`, refetching on an unknown `kid` at most once per
    /// `cooldown`.
    pub fn new(fetch: Box<dyn Fetch>, cooldown: Duration) -> Self {
        PlatformKeys {
            fetch,
            cooldown,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The verification key `kid` of the JWKS at `url`.
    pub fn key(&self, url: &str, kid: &str) -> Result<DecodingKey, KeyError> {
        let entry = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(url.to_string())
            .or_default()
            .clone();
        // Held across the fetch: concurrent launches from one platform wait for one fetch
        // instead of each making their own.
        let mut cached = entry.lock().unwrap_or_else(|e| e.into_inner());
        let fetch_now = match cached.as_ref() {
            None => true,
            Some(c) if c.fetched.elapsed() >= MAX_AGE => true,
            Some(c) => c.set.find(kid).is_none() && c.fetched.elapsed() >= self.cooldown,
        };
        if fetch_now {
            match self.fetch.fetch(url) {
                Ok(set) => {
                    *cached = Some(Cached {
                        set,
                        fetched: Instant::now(),
                    });
                }
                // A platform briefly unreachable: a key already known stays good (it was
                // fetched from the registered URL); the next launch asks again.
                Err(_) if cached.as_ref().is_some_and(|c| c.set.find(kid).is_some()) => {}
                Err(e) => return Err(KeyError::Fetch(e)),
            }
        }
        let jwk = cached
            .as_ref()
            .and_then(|c| c.set.find(kid))
            .ok_or_else(|| KeyError::UnknownKid(kid.to_string()))?;
        if !matches!(jwk.algorithm, AlgorithmParameters::RSA(_)) {
            return Err(KeyError::Unusable(format!("key `{kid}` is not an RSA key")));
        }
        if jwk
            .common
            .public_key_use
            .as_ref()
            .is_some_and(|u| *u != PublicKeyUse::Signature)
        {
            return Err(KeyError::Unusable(format!(
                "key `{kid}` is not for signatures"
            )));
        }
        if jwk
            .common
            .key_algorithm
            .is_some_and(|a| a != KeyAlgorithm::RS256)
        {
            return Err(KeyError::Unusable(format!("key `{kid}` is not for RS256")));
        }
        DecodingKey::from_jwk(jwk).map_err(|e| KeyError::Unusable(format!("key `{kid}`: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lti::testkit::{self, FakeFetch};

    #[test]
    fn unknown_kid_refetches_once_per_cooldown() {
        let platform = testkit::platform_key();
        let fake = FakeFetch::new(vec![platform.jwk()]);
        let keys = PlatformKeys::new(Box::new(fake.clone()), Duration::from_secs(3600));
        assert!(keys.key("u", &platform.kid).is_ok());
        assert_eq!(fake.count(), 1);
        assert!(keys.key("u", &platform.kid).is_ok());
        assert_eq!(fake.count(), 1, "cached");
        assert!(matches!(keys.key("u", "forged"), Err(KeyError::UnknownKid(k)) if k == "forged"));
        assert_eq!(fake.count(), 1, "no refetch inside the cooldown");
    }

    #[test]
    fn a_known_key_outlives_a_failed_refresh() {
        let platform = testkit::platform_key();
        let fake = FakeFetch::new(vec![platform.jwk()]);
        let keys = PlatformKeys::new(Box::new(fake.clone()), Duration::ZERO);
        assert!(keys.key("u", &platform.kid).is_ok());
        fake.fail(true);
        assert!(matches!(keys.key("u", "other"), Err(KeyError::Fetch(_))));
        assert!(
            keys.key("u", &platform.kid).is_ok(),
            "cached key still used"
        );
        assert!(matches!(
            keys.key("v", &platform.kid),
            Err(KeyError::Fetch(_))
        ));
    }

    #[test]
    fn rotation_is_picked_up_by_a_refetch() {
        let (old, new) = (testkit::platform_key(), testkit::other_key());
        let fake = FakeFetch::new(vec![old.jwk()]);
        let keys = PlatformKeys::new(Box::new(fake.clone()), Duration::ZERO);
        assert!(keys.key("u", &old.kid).is_ok());
        fake.set(vec![new.jwk()]);
        assert!(keys.key("u", &new.kid).is_ok());
        assert_eq!(fake.count(), 2);
    }
}
