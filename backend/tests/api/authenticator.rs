//! Software WebAuthn authenticator: resident ES256 passkeys, speaking the browser's JSON.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ciborium::value::Value as Cbor;
use p256::ecdsa::{Signature, SigningKey, signature::Signer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Credential ids are 16 random bytes, like Chromium's virtual authenticator.
const ID_LEN: u16 = 16;

/// One resident credential, as a platform authenticator would keep it.
#[derive(Clone)]
struct Credential {
    rp_id: String,
    id: Vec<u8>,
    key: SigningKey,
    user_handle: Vec<u8>,
    counter: u32,
}

/// A platform authenticator plus the client (browser) part that builds `clientDataJSON`.
#[derive(Clone)]
pub struct SoftAuthenticator {
    origin: String,
    backup_eligible: bool,
    backup_state: bool,
    user_verified: bool,
    aaguid: [u8; 16],
    credentials: Vec<Credential>,
}

/// Reads a base64url (unpadded) string field.
fn b64_field(v: &Value, name: &str) -> Result<Vec<u8>, String> {
    let s = v[name].as_str().ok_or_else(|| format!("missing {name}"))?;
    B64.decode(s).map_err(|e| format!("{name}: {e}"))
}

/// The ids listed in `excludeCredentials` / `allowCredentials` (absent means empty).
fn descriptor_ids(list: &Value) -> Result<Vec<Vec<u8>>, String> {
    let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
    items.iter().map(|d| b64_field(d, "id")).collect()
}

/// `PublicKeyCredential.toJSON()` of a platform authenticator.
fn to_json(id: &[u8], response: Value, extensions: Value) -> Value {
    json!({
        "id": B64.encode(id),
        "rawId": B64.encode(id),
        "type": "public-key",
        "response": response,
        "clientExtensionResults": extensions,
        "authenticatorAttachment": "platform",
    })
}

/// `CollectedClientData` as a browser serialises it (WebAuthn §5.8.1).
fn client_data(kind: &str, challenge: &[u8], origin: &str) -> Vec<u8> {
    // Key order is what browsers emit; the server parses it as JSON, so order is not load-bearing.
    format!(
        r#"{{"type":"{kind}","challenge":"{}","origin":"{origin}","crossOrigin":false}}"#,
        B64.encode(challenge)
    )
    .into_bytes()
}

impl SoftAuthenticator {
    /// An empty authenticator whose client runs on `origin` (e.g. `http://localhost:1411`).
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            backup_eligible: false,
            backup_state: false,
            user_verified: true,
            aaguid: [0; 16],
            credentials: Vec::new(),
        }
    }

    /// A copy (same credentials, counters then evolve separately) whose client runs on `origin`.
    pub fn with_origin(&self, origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            ..self.clone()
        }
    }

    /// Sets the BE (backup eligible) and BS (backed up) flags of future responses.
    pub fn set_backup_flags(&mut self, eligible: bool, state: bool) {
        self.backup_eligible = eligible;
        self.backup_state = state;
    }

    /// Sets whether future responses carry the UV (user verified) flag.
    pub fn set_user_verified(&mut self, uv: bool) {
        self.user_verified = uv;
    }

    /// Sets the AAGUID written into the attested credential data of new credentials.
    pub fn set_aaguid(&mut self, aaguid: [u8; 16]) {
        self.aaguid = aaguid;
    }

    /// Number of stored credentials, across all RP ids.
    pub fn credential_count(&self) -> usize {
        self.credentials.len()
    }

    /// Ids of the stored credentials, in creation order.
    pub fn credential_ids(&self) -> Vec<Vec<u8>> {
        self.credentials.iter().map(|c| c.id.clone()).collect()
    }

    /// rpIdHash ‖ flags ‖ signCount: the fixed part of authenticator data (WebAuthn §6.1).
    fn auth_data(&self, rp_id: &str, attested: bool, counter: u32) -> Vec<u8> {
        let flags = 0x01 // UP: a test always "touches" the authenticator.
            | (u8::from(self.user_verified) << 2)
            | (u8::from(self.backup_eligible) << 3)
            | (u8::from(self.backup_state) << 4)
            | (u8::from(attested) << 6);
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&counter.to_be_bytes());
        data
    }

    /// `navigator.credentials.create()`: takes `{"publicKey": creation options}` as the server
    /// sends it, stores a resident credential and returns `PublicKeyCredential.toJSON()`.
    pub fn create(&mut self, options: &Value) -> Result<Value, String> {
        let pk = &options["publicKey"];
        let rp_id = pk["rp"]["id"].as_str().ok_or("missing rp.id")?.to_owned();
        let challenge = b64_field(pk, "challenge")?;
        let user_handle = b64_field(&pk["user"], "id")?;
        let params = pk["pubKeyCredParams"]
            .as_array()
            .ok_or("missing pubKeyCredParams")?;
        if !params
            .iter()
            .any(|p| p["alg"] == -7 && p["type"] == "public-key")
        {
            return Err("NotSupportedError: only ES256 (-7)".into());
        }
        let excluded = descriptor_ids(&pk["excludeCredentials"])?;
        if self
            .credentials
            .iter()
            .any(|c| c.rp_id == rp_id && excluded.contains(&c.id))
        {
            return Err("InvalidStateError".into());
        }

        let key = SigningKey::from_slice(&rand::random::<[u8; 32]>()).map_err(|e| e.to_string())?;
        let id = rand::random::<[u8; ID_LEN as usize]>().to_vec();
        let point = key.verifying_key().to_encoded_point(false);
        let (x, y) = (point.x().ok_or("no x")?, point.y().ok_or("no y")?);
        // COSE_Key in CTAP2 canonical key order: kty=EC2, alg=ES256, crv=P-256, x, y.
        let cose = Cbor::Map(vec![
            (1.into(), 2.into()),
            (3.into(), (-7).into()),
            ((-1).into(), 1.into()),
            ((-2).into(), Cbor::Bytes(x.to_vec())),
            ((-3).into(), Cbor::Bytes(y.to_vec())),
        ]);
        let counter = 1;
        let mut auth_data = self.auth_data(&rp_id, true, counter);
        auth_data.extend_from_slice(&self.aaguid);
        auth_data.extend_from_slice(&ID_LEN.to_be_bytes());
        auth_data.extend_from_slice(&id);
        ciborium::into_writer(&cose, &mut auth_data).map_err(|e| e.to_string())?;
        let attestation = Cbor::Map(vec![
            ("fmt".into(), "none".into()),
            ("attStmt".into(), Cbor::Map(vec![])),
            ("authData".into(), Cbor::Bytes(auth_data)),
        ]);
        let mut attestation_object = Vec::new();
        ciborium::into_writer(&attestation, &mut attestation_object).map_err(|e| e.to_string())?;

        let client_data = client_data("webauthn.create", &challenge, &self.origin);
        let response = json!({
            "clientDataJSON": B64.encode(client_data),
            "attestationObject": B64.encode(attestation_object),
            "transports": ["internal"],
        });
        let reply = to_json(&id, response, json!({ "credProps": { "rk": true } }));
        let cred = Credential {
            rp_id,
            id,
            key,
            user_handle,
            counter,
        };
        self.credentials.push(cred);
        Ok(reply)
    }

    /// `navigator.credentials.get()`: takes `{"publicKey": request options}`, signs with the first
    /// credential for the RP that `allowCredentials` lists (any, when empty: discoverable login).
    pub fn get(&mut self, options: &Value) -> Result<Value, String> {
        let pk = &options["publicKey"];
        let rp_id = match pk["rpId"].as_str() {
            Some(id) => id.to_owned(),
            // A browser defaults the RP id to the origin's host.
            None => url::Url::parse(&self.origin)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .ok_or("no rpId and no origin host")?,
        };
        let challenge = b64_field(pk, "challenge")?;
        let allowed = descriptor_ids(&pk["allowCredentials"])?;
        let client_data = client_data("webauthn.get", &challenge, &self.origin);
        let index = self
            .credentials
            .iter()
            .position(|c| c.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&c.id)))
            .ok_or("NotAllowedError: no matching credential")?;
        let counter = self.credentials[index].counter + 1;
        let auth_data = self.auth_data(&rp_id, false, counter);
        let cred = &mut self.credentials[index];
        cred.counter = counter;
        let signed = [auth_data.as_slice(), &Sha256::digest(&client_data)].concat();
        let signature: Signature = cred.key.sign(&signed);
        let response = json!({
            "clientDataJSON": B64.encode(client_data),
            "authenticatorData": B64.encode(auth_data),
            "signature": B64.encode(signature.to_der()),
            "userHandle": B64.encode(&cred.user_handle),
        });
        Ok(to_json(&cred.id, response, json!({})))
    }
}

#[cfg(test)]
mod tests {
    use super::{B64, SoftAuthenticator};
    use base64::Engine;
    use serde_json::Value;
    use url::Url;
    use uuid::Uuid;
    use webauthn_rs::prelude::*;

    const ORIGIN: &str = "http://localhost:1411";

    fn webauthn() -> Webauthn {
        WebauthnBuilder::new("localhost", &Url::parse(ORIGIN).unwrap())
            .unwrap()
            .build()
            .unwrap()
    }

    /// The registration options as our server sends them: resident key required (TOOLCHAIN §4.2).
    fn server_options(ccr: &CreationChallengeResponse) -> Value {
        let mut v = serde_json::to_value(ccr).unwrap();
        let sel = &mut v["publicKey"]["authenticatorSelection"];
        sel["residentKey"] = "required".into();
        sel["requireResidentKey"] = true.into();
        v
    }

    /// Registers a passkey; also returns the authenticator's raw reply.
    fn register(wa: &Webauthn, auth: &mut SoftAuthenticator, user: Uuid) -> (Passkey, Value) {
        let (ccr, state) = wa
            .start_passkey_registration(user, "alice", "Alice", None)
            .unwrap();
        let reply = auth.create(&server_options(&ccr)).unwrap();
        let reg: RegisterPublicKeyCredential = serde_json::from_value(reply.clone()).unwrap();
        (wa.finish_passkey_registration(&reg, &state).unwrap(), reply)
    }

    fn discoverable_login(
        wa: &Webauthn,
        auth: &mut SoftAuthenticator,
    ) -> (PublicKeyCredential, DiscoverableAuthentication) {
        let (rcr, state) = wa.start_discoverable_authentication().unwrap();
        let reply = auth.get(&serde_json::to_value(&rcr).unwrap()).unwrap();
        (serde_json::from_value(reply).unwrap(), state)
    }

    /// Logs in with `auth` against the server's verification of `key`.
    fn login(
        wa: &Webauthn,
        auth: &mut SoftAuthenticator,
        key: &Passkey,
    ) -> WebauthnResult<AuthenticationResult> {
        let (cred, state) = discoverable_login(wa, auth);
        wa.finish_discoverable_authentication_v2(&cred, state, key)
    }

    #[test]
    fn registers_and_logs_in_without_username() {
        let (wa, user) = (webauthn(), Uuid::new_v4());
        let mut auth = SoftAuthenticator::new(ORIGIN);
        let (passkey, _) = register(&wa, &mut auth, user);
        assert_eq!(auth.credential_ids(), vec![passkey.cred_id().to_vec()]);
        let reg_counter = Credential::from(passkey.clone()).counter;

        let (cred, state) = discoverable_login(&wa, &mut auth);
        let (uid, cred_id) = wa.identify_discoverable_authentication(&cred).unwrap();
        assert_eq!((uid, cred_id), (user, passkey.cred_id().as_ref()));
        let key = DiscoverableKey::from(&passkey);
        let result = wa
            .finish_discoverable_authentication_v2(&cred, state, &key)
            .unwrap();
        assert!(result.user_verified());
        assert!(result.counter() > reg_counter);

        // The same assertion against a fresh challenge is a replay.
        let (_, fresh) = wa.start_discoverable_authentication().unwrap();
        let err = wa
            .finish_discoverable_authentication_v2(&cred, fresh, &key)
            .unwrap_err();
        assert!(matches!(err, WebauthnError::MismatchedChallenge), "{err:?}");
    }

    #[test]
    fn wrong_origin_and_missing_uv_are_rejected() {
        let wa = webauthn();
        let mut auth = SoftAuthenticator::new(ORIGIN);
        let (key, _) = register(&wa, &mut auth, Uuid::new_v4());
        let mut evil = auth.with_origin("http://evil.example");
        let err = login(&wa, &mut evil, &key).unwrap_err();
        assert!(matches!(err, WebauthnError::InvalidRPOrigin), "{err:?}");
        auth.set_user_verified(false);
        let err = login(&wa, &mut auth, &key).unwrap_err();
        assert!(matches!(err, WebauthnError::UserNotVerified), "{err:?}");
    }

    #[test]
    fn backup_flags_and_aaguid_reach_the_server() {
        let wa = webauthn();
        let mut auth = SoftAuthenticator::new(ORIGIN);
        auth.set_backup_flags(true, true);
        auth.set_aaguid([7; 16]);
        let (passkey, reply) = register(&wa, &mut auth, Uuid::new_v4());
        let att = B64
            .decode(reply["response"]["attestationObject"].as_str().unwrap())
            .unwrap();
        let att: ciborium::Value = ciborium::from_reader(att.as_slice()).unwrap();
        let auth_data = att.as_map().unwrap()[2].1.as_bytes().unwrap();
        assert_eq!(auth_data[37..53], [7; 16]); // rpIdHash(32) flags(1) signCount(4) aaguid(16)
        let cred = Credential::from(passkey.clone());
        assert!(cred.backup_eligible && cred.backup_state);
        let result = login(&wa, &mut auth, &passkey).unwrap();
        assert!(result.backup_eligible() && result.backup_state());
    }

    #[test]
    fn refuses_excluded_credentials_and_other_algorithms() {
        let wa = webauthn();
        let mut auth = SoftAuthenticator::new(ORIGIN);
        let (passkey, _) = register(&wa, &mut auth, Uuid::new_v4());
        let exclude = Some(vec![passkey.cred_id().clone()]);
        let (ccr, _) = wa
            .start_passkey_registration(Uuid::new_v4(), "a", "A", exclude)
            .unwrap();
        assert_eq!(
            auth.create(&server_options(&ccr)),
            Err("InvalidStateError".into())
        );

        let (ccr, _) = wa
            .start_passkey_registration(Uuid::new_v4(), "b", "B", None)
            .unwrap();
        let mut options = server_options(&ccr);
        options["publicKey"]["pubKeyCredParams"] =
            serde_json::json!([{"type": "public-key", "alg": -257}]);
        assert!(auth.create(&options).is_err());
        assert_eq!(auth.credential_count(), 1);
    }
}
