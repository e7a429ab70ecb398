//! The tool's signing keys: RSA 2048, made on first start, stored in the database, published
//! as a JWKS with `kid` = RFC 7638 thumbprint.
//!
//! A key's `created` is when it starts signing. Rotation (reference §1.8) is staged by
//! default: the new key is published at once but signs only [`PUBLISH_AHEAD`] later, once
//! every platform that caches the tool's JWKS has seen it; the key it replaces signs until
//! then and stays published [`GRACE_SECONDS`] more, so tokens it signed still verify.
//! [`rotate`] (`rotate-key --now`, for a leaked key) skips the wait. Nothing needs to run
//! when a staged key starts: which key signs is worked out from the times.

use super::store::{Store, StoredKey};
use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::PrivateKey;
use rsa::pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _};
use rsa::traits::PublicKeyParts as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// How long a retired key stays in the JWKS (platforms cache JWKS for up to a day).
pub const GRACE_SECONDS: i64 = 48 * 3600;

/// How long a staged key is published before it signs (longer than platforms cache JWKS).
pub const PUBLISH_AHEAD: i64 = 24 * 3600;

/// Where a key stands at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Published, signing from `created` on.
    Next,
    /// Signing now.
    Current,
    /// Replaced (at the time given); published until [`GRACE_SECONDS`] after it.
    Retired(i64),
}

/// The state of each of `keys` (as [`Store::keys`] lists them, newest first) at `now`: a
/// key is retired when it was retired by hand, or when a newer key has started signing.
pub fn states(keys: &[StoredKey], now: i64) -> Vec<KeyState> {
    keys.iter()
        .map(|key| {
            let superseded = keys
                .iter()
                .filter(|k| k.retired.is_none() && k.created > key.created && k.created <= now)
                .map(|k| k.created)
                .min();
            match (key.retired, superseded) {
                (Some(a), Some(b)) => KeyState::Retired(a.min(b)),
                (Some(at), None) | (None, Some(at)) => KeyState::Retired(at),
                (None, None) if key.created > now => KeyState::Next,
                (None, None) => KeyState::Current,
            }
        })
        .collect()
}

/// Whether a key in `state` belongs in the JWKS at `now`.
fn published(state: KeyState, now: i64) -> bool {
    match state {
        KeyState::Next | KeyState::Current => true,
        KeyState::Retired(at) => at + GRACE_SECONDS >= now,
    }
}

/// The key signing at `now`, if any.
fn signing(store: &dyn Store, now: i64) -> anyhow::Result<Option<StoredKey>> {
    let keys = store.keys()?;
    let states = states(&keys, now);
    Ok(keys
        .into_iter()
        .zip(states)
        .find(|(_, state)| *state == KeyState::Current)
        .map(|(key, _)| key))
}

/// A key ready to sign: its id and the `jsonwebtoken` key.
pub struct SigningKey {
    /// The `kid` to put in the JOSE header.
    pub kid: String,
    /// The private key.
    pub key: jsonwebtoken::EncodingKey,
}

/// Makes a new 2048-bit key from the OS random source.
pub fn generate(now: i64) -> anyhow::Result<StoredKey> {
    let key = PrivateKey::new(&mut getrandom::SysRng, 2048).context("cannot make a key")?;
    let der = key
        .to_pkcs1_der()
        .context("cannot encode the new key")?
        .as_bytes()
        .to_vec();
    Ok(StoredKey {
        kid: thumbprint(&der)?,
        der,
        created: now,
        retired: None,
    })
}

/// The public JWK of a stored key (`kty`, `use`, `alg`, `kid`, `n`, `e`).
pub fn public_jwk(key: &StoredKey) -> anyhow::Result<Value> {
    let (n, e) = components(&key.der)?;
    Ok(json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": key.kid, "n": n, "e": e }))
}

/// The RFC 7638 thumbprint (SHA-256, base64url) of a PKCS #1 private key's public half.
fn thumbprint(der: &[u8]) -> anyhow::Result<String> {
    let (n, e) = components(der)?;
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    Ok(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

fn components(der: &[u8]) -> anyhow::Result<(String, String)> {
    let key = PrivateKey::from_pkcs1_der(der).context("a stored tool key is damaged")?;
    Ok((
        URL_SAFE_NO_PAD.encode(key.n_bytes()),
        URL_SAFE_NO_PAD.encode(key.e_bytes()),
    ))
}

/// Makes the first key when no key signs now; returns the signing key's id.
pub fn ensure(store: &dyn Store, now: i64) -> anyhow::Result<String> {
    if let Some(key) = signing(store, now)? {
        return Ok(key.kid);
    }
    let key = generate(now)?;
    store.put_key(&key)?;
    Ok(key.kid)
}

/// The key to sign with now.
pub fn current(store: &dyn Store) -> anyhow::Result<SigningKey> {
    let key = signing(store, super::now())?
        .context("the tool has no signing key; start `lessonpack serve` once to make one")?;
    Ok(SigningKey {
        key: jsonwebtoken::EncodingKey::from_rsa_der(&key.der),
        kid: key.kid,
    })
}

/// Makes a new key that signs at once and retires the others (they stay published for
/// [`GRACE_SECONDS`]), a staged one included; drops keys no longer published. Returns the
/// new key's id.
pub fn rotate(store: &dyn Store, now: i64) -> anyhow::Result<String> {
    let key = generate(now)?;
    drop_unpublished(store, now)?;
    for old in store.keys()? {
        if old.retired.is_none() {
            store.retire_key(&old.kid, now)?;
        }
    }
    store.put_key(&key)?;
    Ok(key.kid)
}

/// Makes a new key, published now and signing from `now + PUBLISH_AHEAD`; the current key
/// signs until then. Refused while another key is staged. Returns the new key's id and
/// when it starts signing.
pub fn stage(store: &dyn Store, now: i64) -> anyhow::Result<(String, i64)> {
    let keys = store.keys()?;
    if let Some((next, _)) = keys
        .iter()
        .zip(states(&keys, now))
        .find(|(_, state)| *state == KeyState::Next)
    {
        anyhow::bail!(
            "key `{}` is already staged; rotate again after it starts signing, or use `--now`",
            next.kid
        );
    }
    drop_unpublished(store, now)?;
    let key = generate(now + PUBLISH_AHEAD)?;
    store.put_key(&key)?;
    Ok((key.kid, key.created))
}

/// Deletes the keys whose grace period is over.
fn drop_unpublished(store: &dyn Store, now: i64) -> anyhow::Result<()> {
    let keys = store.keys()?;
    for (key, state) in keys.iter().zip(states(&keys, now)) {
        if !published(state, now) {
            store.delete_key(&key.kid)?;
        }
    }
    Ok(())
}

/// The JWKS to publish: the staged key, the current one, and keys retired less than
/// [`GRACE_SECONDS`] ago.
pub fn jwks(store: &dyn Store, now: i64) -> anyhow::Result<Value> {
    let keys = store.keys()?;
    let keys = keys
        .iter()
        .zip(states(&keys, now))
        .filter(|(_, state)| published(*state, now))
        .map(|(key, _)| public_jwk(key))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(json!({ "keys": keys }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lti::store::SqliteStore;

    #[test]
    fn first_start_makes_one_key_and_rotation_keeps_the_old_one_for_a_while() {
        let store = SqliteStore::in_memory().unwrap();
        let first = ensure(&store, 1000).unwrap();
        assert_eq!(
            ensure(&store, 1001).unwrap(),
            first,
            "no second key on restart"
        );
        assert_eq!(current(&store).unwrap().kid, first);
        let jwk = &jwks(&store, 1000).unwrap()["keys"][0];
        assert_eq!(jwk["kid"], first.as_str());
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(jwk["alg"], "RS256");

        let second = rotate(&store, 2000).unwrap();
        assert_ne!(second, first);
        assert_eq!(current(&store).unwrap().kid, second);
        let kids = |now| -> Vec<String> {
            jwks(&store, now).unwrap()["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["kid"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(kids(2000), [second.clone(), first.clone()]);
        assert_eq!(kids(2000 + GRACE_SECONDS + 1), [second]);
    }

    fn kids(store: &dyn Store, now: i64) -> Vec<String> {
        jwks(store, now).unwrap()["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_string())
            .collect()
    }

    fn signer(store: &dyn Store, now: i64) -> String {
        signing(store, now).unwrap().unwrap().kid
    }

    #[test]
    fn a_staged_key_is_published_a_day_before_it_signs() {
        let store = SqliteStore::in_memory().unwrap();
        let first = ensure(&store, 1000).unwrap();
        let (next, starts) = stage(&store, 2000).unwrap();
        assert_eq!(starts, 2000 + PUBLISH_AHEAD);
        assert_eq!(signer(&store, 2000), first, "the old key signs until then");
        assert_eq!(kids(&store, 2000), [next.clone(), first.clone()]);
        let again = stage(&store, 2001).unwrap_err().to_string();
        assert!(again.contains("already staged"), "{again}");

        assert_eq!(signer(&store, starts - 1), first);
        assert_eq!(signer(&store, starts), next);
        let keys = store.keys().unwrap();
        assert_eq!(
            states(&keys, starts),
            [KeyState::Current, KeyState::Retired(starts)]
        );
        assert_eq!(kids(&store, starts + GRACE_SECONDS), [next.clone(), first]);
        assert_eq!(kids(&store, starts + GRACE_SECONDS + 1), [next]);
        // Once the old key is past its grace, the next rotation deletes it.
        stage(&store, starts + GRACE_SECONDS + 1).unwrap();
        assert_eq!(store.keys().unwrap().len(), 2);
    }

    #[test]
    fn rotating_now_also_retires_a_staged_key() {
        let store = SqliteStore::in_memory().unwrap();
        let first = ensure(&store, 1000).unwrap();
        let (staged, _) = stage(&store, 2000).unwrap();
        let urgent = rotate(&store, 3000).unwrap();
        assert_eq!(signer(&store, 3000), urgent);
        assert_eq!(
            signer(&store, 2000 + PUBLISH_AHEAD),
            urgent,
            "the staged key never signs"
        );
        assert_eq!(kids(&store, 3000), [staged, urgent.clone(), first]);
        assert_eq!(kids(&store, 3000 + GRACE_SECONDS + 1), [urgent]);
    }
}
