//! The tool's signing keys: RSA 2048, made on first start, stored in the database, published
//! as a JWKS with `kid` = RFC 7638 thumbprint. Rotation makes a new current key and keeps
//! the old one in the JWKS for a grace period, so tokens it signed still verify.

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

/// Makes the first key when the store has no current one; returns the current key's id.
pub fn ensure(store: &dyn Store, now: i64) -> anyhow::Result<String> {
    if let Some(key) = store.keys()?.into_iter().find(|k| k.retired.is_none()) {
        return Ok(key.kid);
    }
    let key = generate(now)?;
    store.put_key(&key)?;
    Ok(key.kid)
}

/// The key to sign with: the newest one not retired.
pub fn current(store: &dyn Store) -> anyhow::Result<SigningKey> {
    let key = store
        .keys()?
        .into_iter()
        .find(|k| k.retired.is_none())
        .context("the tool has no signing key; start `lessonpack serve` once to make one")?;
    Ok(SigningKey {
        key: jsonwebtoken::EncodingKey::from_rsa_der(&key.der),
        kid: key.kid,
    })
}

/// Makes a new current key and retires the others (they stay published for
/// [`GRACE_SECONDS`]); drops keys retired longer ago. Returns the new key's id.
pub fn rotate(store: &dyn Store, now: i64) -> anyhow::Result<String> {
    let key = generate(now)?;
    for old in store.keys()? {
        match old.retired {
            None => store.retire_key(&old.kid, now)?,
            Some(at) if at + GRACE_SECONDS < now => store.delete_key(&old.kid)?,
            Some(_) => {}
        }
    }
    store.put_key(&key)?;
    Ok(key.kid)
}

/// The JWKS to publish: the current key and keys retired less than [`GRACE_SECONDS`] ago.
pub fn jwks(store: &dyn Store, now: i64) -> anyhow::Result<Value> {
    let keys = store
        .keys()?
        .iter()
        .filter(|k| k.retired.is_none_or(|at| at + GRACE_SECONDS >= now))
        .map(public_jwk)
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
}
