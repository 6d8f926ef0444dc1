//! Signing inbox requests by hand, as Mastodon does (draft-cavage, rsa-sha256, with a digest),
//! with keys taken from another test instance's database.

use crate::TestInstance;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use sha2::{Digest, Sha256};

/// An actor of another instance whose private key the test holds.
pub struct Sender {
    /// The actor id.
    pub actor: String,
    /// The key id used in signatures.
    pub key_id: String,
    key: rsa::RsaPrivateKey,
}

impl Sender {
    /// The organization actor of `instance`, or another of its actors' keys for `key_of`.
    pub async fn of(instance: &TestInstance, actor_path: &str, key_path: &str) -> Sender {
        // Keys are made when an actor is first served.
        for path in [actor_path, key_path] {
            instance
                .browser()
                .get_with_accept(path, "application/activity+json")
                .await
                .expect(200);
        }
        let db = instance.database().await;
        let key_actor = format!("{}{key_path}", instance.base);
        let row = inspraak_db::actor_keys::find(&db.conn, &key_actor)
            .await
            .expect("db")
            .expect("key row");
        Sender {
            actor: format!("{}{actor_path}", instance.base),
            key_id: format!("{key_actor}#main-key"),
            key: rsa::RsaPrivateKey::from_pkcs8_pem(&row.private_key_pem.expect("private key"))
                .expect("pem"),
        }
    }
}

/// The headers that sign a POST of `body` to `path` on `host` (`name:port`) for `sender`;
/// `digest` overrides the computed digest.
pub fn signed_headers(
    sender: &Sender,
    host: &str,
    path: &str,
    body: &[u8],
    digest: Option<&str>,
) -> Vec<(&'static str, String)> {
    let date = chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let digest = digest
        .map(str::to_owned)
        .unwrap_or_else(|| format!("SHA-256={}", BASE64.encode(Sha256::digest(body))));
    let signing_string =
        format!("(request-target): post {path}\nhost: {host}\ndate: {date}\ndigest: {digest}");
    let signer = SigningKey::<Sha256>::new(sender.key.clone());
    let signature = BASE64.encode(signer.sign(signing_string.as_bytes()).to_bytes());
    let header = format!(
        "keyId=\"{}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{signature}\"",
        sender.key_id
    );
    vec![("date", date), ("digest", digest), ("signature", header)]
}

/// Posts `body` to `path` on `target`, signed by `sender`; `digest` overrides the digest.
/// Returns the status and body.
pub async fn post_signed(
    target: &TestInstance,
    path: &str,
    body: &[u8],
    sender: &Sender,
    digest: Option<&str>,
) -> (u16, String) {
    let host = format!("{}:{}", target.host, target.port);
    let headers = signed_headers(sender, &host, path, body, digest);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    send(target, path, body, &headers).await
}

/// A client that reaches `target` under its host name.
pub fn client_for(target: &TestInstance) -> reqwest::Client {
    reqwest::Client::builder()
        .resolve(
            &target.host,
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .build()
        .expect("client")
}

/// Posts `body` with the ActivityPub media type and extra headers.
pub async fn send(
    target: &TestInstance,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> (u16, String) {
    send_with(&client_for(target), target, path, body, headers).await
}

/// Like [`send`], with a client kept by the caller.
pub async fn send_with(
    client: &reqwest::Client,
    target: &TestInstance,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut request = client
        .post(format!("{}{path}", target.base))
        .header("content-type", "application/activity+json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("inbox request");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}
