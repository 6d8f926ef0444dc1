//! Test harness: starts real Inspraak instances on free loopback ports, each with its own
//! fresh database (SQLite in a temporary folder, or a new PostgreSQL database when
//! `INSPRAAK_TEST_DATABASE` holds a `postgres://` URL), and a small cookie-keeping browser.

pub mod signing;

use inspraak_server::Instance;
use inspraak_server::config::Config;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use tokio::sync::oneshot;

/// The environment variable that selects PostgreSQL for the whole run.
pub const DATABASE_ENV: &str = "INSPRAAK_TEST_DATABASE";

/// A running instance; stops when dropped.
pub struct TestInstance {
    /// `http://HOST:PORT`.
    pub base: String,
    /// Its host name (`localhost`, or a `*.test` name).
    pub host: String,
    /// Its port.
    pub port: u16,
    /// The database URL it uses (empty for embedded SQLite).
    pub database_url: String,
    /// Its data folder.
    pub data_dir: std::path::PathBuf,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for TestInstance {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Which database this run uses, as the report says.
pub fn database_label() -> String {
    match std::env::var(DATABASE_ENV) {
        Ok(url) if url.starts_with("postgres") => "postgresql".into(),
        Ok(other) if !other.is_empty() && other != "sqlite" => {
            panic!("{DATABASE_ENV} must be `sqlite` or a postgres:// URL, not {other:?}")
        }
        _ => "sqlite".into(),
    }
}

/// Makes a fresh, empty database on the PostgreSQL server named by `admin_url`.
async fn fresh_postgres_database(admin_url: &str) -> String {
    let name = format!("inspraak_test_{}", uuid::Uuid::new_v4().simple());
    let tmp = std::env::temp_dir();
    let admin = inspraak_db::Database::connect(admin_url, &tmp, 1)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url} ({e}); start it (scripts/test does) or unset {DATABASE_ENV}"));
    admin
        .conn
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let mut url = url::Url::parse(admin_url).expect("postgres URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// Starts an instance with defaults suited to tests (generous rate limits).
pub async fn spawn() -> TestInstance {
    spawn_with(&[]).await
}

/// Limits and switches a test may change from the generous test defaults.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `security.login_attempts_per_minute`.
    pub logins_per_minute: u32,
    /// `server.trust_forwarded_for`.
    pub trust_forwarded_for: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            logins_per_minute: 1000,
            trust_forwarded_for: false,
        }
    }
}

/// Starts an instance with extra environment-style settings.
pub async fn spawn_with(extra: &[(&str, &str)]) -> TestInstance {
    spawn_limited(extra, Limits::default()).await
}

/// Starts an instance with extra settings and particular limits.
pub async fn spawn_limited(extra: &[(&str, &str)], limits: Limits) -> TestInstance {
    spawn_full("localhost", extra, limits).await
}

/// Starts an instance under its own host name (`gemeente-a.test`), so several instances on
/// one machine have distinct origins; in test mode every `*.test` name resolves to loopback.
pub async fn spawn_named(host: &str) -> TestInstance {
    spawn_full(host, &[], Limits::default()).await
}

/// What a stopped instance keeps, to start again with the same address and data.
pub struct Stopped {
    host: String,
    port: u16,
    database_url: String,
    dir: tempfile::TempDir,
}

/// Logs to the test output when `INSPRAAK_TEST_LOG` holds a filter (e.g. `info`).
fn init_test_log() {
    if let Ok(filter) = std::env::var("INSPRAAK_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
}

async fn spawn_full(host: &str, extra: &[(&str, &str)], limits: Limits) -> TestInstance {
    inspraak_server::install_crypto_provider();
    init_test_log();
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = match std::env::var(DATABASE_ENV) {
        Ok(url) if url.starts_with("postgres") => fresh_postgres_database(&url).await,
        _ => String::new(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    start(host, listener, database_url, dir, extra, limits).await
}

/// Writes the test configuration and starts an instance on `listener`.
async fn start(
    host: &str,
    listener: tokio::net::TcpListener,
    database_url: String,
    dir: tempfile::TempDir,
    extra: &[(&str, &str)],
    limits: Limits,
) -> TestInstance {
    let port = listener.local_addr().expect("addr").port();
    let base = format!("http://{host}:{port}");
    let mut env: HashMap<String, String> = HashMap::from([
        ("INSPRAAK_LISTEN".into(), format!("127.0.0.1:{port}")),
        ("INSPRAAK_PUBLIC_URL".into(), base.clone()),
        ("INSPRAAK_DATA_DIR".into(), dir.path().display().to_string()),
        ("DATABASE_URL".into(), database_url.clone()),
    ]);
    for (k, v) in extra {
        env.insert((*k).into(), (*v).into());
    }
    let config_file = dir.path().join("test.toml");
    std::fs::write(&config_file, test_config(limits)).expect("write test config");
    let settings =
        Config::load(Some(&config_file), |k| env.get(k).cloned()).expect("test configuration");
    let instance = Instance::build_on(&settings, listener)
        .await
        .expect("instance starts");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = instance
            .run_until(async {
                let _ = stopped.await;
            })
            .await;
    });
    TestInstance {
        base,
        host: host.to_owned(),
        port,
        database_url,
        data_dir: dir.path().to_owned(),
        stop: Some(stop),
        server: Some(server),
        _dir: Some(dir),
    }
}

/// The configuration file of test instances: generous limits, federation in test mode (plain
/// http, ports, loopback) with retries after one second.
pub fn test_config(limits: Limits) -> String {
    format!(
        "[server]\ntrust_forwarded_for = {}\n[security]\nlogin_attempts_per_minute = {}\nregistrations_per_hour = 1000\ncode_attempts_per_hour = 1000\n[federation]\ntest_mode = true\nretry_after_seconds = 1\n",
        limits.trust_forwarded_for, limits.logins_per_minute
    )
}

impl Stopped {
    /// Starts the instance again on the same port with the same data.
    pub async fn start(self) -> TestInstance {
        let mut last_error = None;
        for _ in 0..50 {
            match tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(listener) => {
                    return start(
                        &self.host,
                        listener,
                        self.database_url,
                        self.dir,
                        &[],
                        Limits::default(),
                    )
                    .await;
                }
                Err(err) => last_error = Some(err),
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("port {} did not come free: {last_error:?}", self.port)
    }
}

impl TestInstance {
    /// Stops the server (open requests finish) and keeps its data for [`Stopped::start`].
    pub async fn stop(mut self) -> Stopped {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(5), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        Stopped {
            host: self.host.clone(),
            port: self.port,
            database_url: self.database_url.clone(),
            dir: self._dir.take().expect("data folder"),
        }
    }

    /// Opens this instance's database (for set-up that has no HTTP route, like the first admin).
    pub async fn database(&self) -> inspraak_db::Database {
        inspraak_db::Database::connect(&self.database_url, &self.data_dir, 2)
            .await
            .expect("open test database")
    }

    /// Creates an admin the way `inspraak admin create` does.
    pub async fn create_admin(&self, username: &str, password: &str) {
        create_admin_in(&self.database().await, &self.base, username, password).await;
    }

    /// A new browser for this instance, with no cookies.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Page {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// The `Location` header, for redirects.
    pub location: Option<String>,
    /// All headers.
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        extract_between(&self.body, "name=\"csrf_token\" value=\"", "\"")
            .unwrap_or_else(|| panic!("no CSRF token on page:\n{}", self.body))
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body:\n{}",
            self.body
        );
        self
    }
}

/// The first text between `start` and `end`.
pub fn extract_between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(text[from..from + len].to_owned())
}

/// Every text between `start` and `end`.
pub fn extract_all(text: &str, start: &str, end: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(from) = rest.find(start) {
        let after = &rest[from + start.len()..];
        let Some(len) = after.find(end) else { break };
        found.push(after[..len].to_owned());
        rest = &after[len..];
    }
    found
}

/// A browser without JavaScript: keeps cookies, does not follow redirects (tests look at them).
pub struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
    /// Sent as `Accept-Language` when set.
    pub accept_language: Option<String>,
    /// Sent as `X-Forwarded-For` when set, as a reverse proxy would.
    pub forwarded_for: Option<String>,
}

impl Browser {
    /// A browser for `base`; `*.test` host names resolve to loopback.
    pub fn new(base: &str) -> Self {
        inspraak_server::install_crypto_provider();
        let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        if let Some(host) = url::Url::parse(base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .filter(|h| h.ends_with(".test"))
        {
            builder = builder.resolve(&host, std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
        }
        let client = builder.build().expect("client");
        Self {
            client,
            base: base.to_owned(),
            cookies: HashMap::new(),
            accept_language: None,
            forwarded_for: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let mut request = request.header("cookie", self.cookie_header());
        if let Some(lang) = &self.accept_language {
            request = request.header("accept-language", lang);
        }
        if let Some(addr) = &self.forwarded_for {
            request = request.header("x-forwarded-for", addr);
        }
        let response = request.send().await.expect("request");
        for value in response.headers().get_all("set-cookie") {
            let Ok(value) = value.to_str() else { continue };
            let pair = value.split(';').next().unwrap_or("");
            if let Some((name, v)) = pair.split_once('=') {
                if v.is_empty() || value.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), v.to_owned());
                }
            }
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // Bytes, not `text()`: that would strip a byte-order mark the tests want to see.
        let bytes = response.bytes().await.expect("body");
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Page {
            status,
            body,
            location,
            headers,
        }
    }

    /// GET a path.
    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    /// GET a path with an explicit `Accept` header (content negotiation).
    pub async fn get_with_accept(&mut self, path: &str, accept: &str) -> Page {
        let request = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept", accept);
        self.send(request).await
    }

    /// POST a form as a browser would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        self.send(request).await
    }

    /// An API call with a bearer token (or none) and an optional JSON body.
    pub async fn api(
        &mut self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Page {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// POST a multipart form (file uploads).
    pub async fn post_multipart(&mut self, path: &str, form: reqwest::multipart::Form) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .multipart(form);
        self.send(request).await
    }

    /// Opens a form page and submits it with its CSRF token plus `fields`.
    pub async fn submit(&mut self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(form_page).await.expect(200).csrf();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    /// Registers an account and stays logged in.
    pub async fn register(&mut self, username: &str, password: &str) -> Page {
        let display = format!("Inwoner {username}");
        self.submit(
            "/register",
            "/register",
            &[
                ("username", username),
                ("display_name", &display),
                ("password", password),
                ("password_repeat", password),
            ],
        )
        .await
    }

    /// Logs in.
    pub async fn login(&mut self, username: &str, password: &str) -> Page {
        self.submit(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }

    /// A second browser with the same cookies (the same session), for parallel requests.
    pub fn fork(&self) -> Browser {
        Browser {
            client: self.client.clone(),
            base: self.base.clone(),
            cookies: self.cookies.clone(),
            accept_language: self.accept_language.clone(),
            forwarded_for: self.forwarded_for.clone(),
        }
    }

    /// The value of a cookie, if set.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }
}

/// An instance running as its own `inspraak serve` process, so a test can kill it with
/// SIGKILL and start it again on the same port and data.
pub struct ProcessInstance {
    /// `http://HOST:PORT`.
    pub base: String,
    /// Its host name.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// The database URL (empty for SQLite in `dir`).
    pub database_url: String,
    dir: tempfile::TempDir,
    child: Option<std::process::Child>,
}

/// The `inspraak` binary that `cargo test` builds next to the test binaries.
fn inspraak_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target folder");
    let binary = dir.join("inspraak");
    assert!(
        binary.is_file(),
        "{} is missing: build it with `cargo build -p inspraak-server` (cargo test --workspace and scripts/test do)",
        binary.display()
    );
    binary
}

impl ProcessInstance {
    /// Starts `inspraak serve` under `host` on a free port with a fresh database.
    pub async fn start(host: &str) -> ProcessInstance {
        inspraak_server::install_crypto_provider();
        init_test_log();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let database_url = match std::env::var(DATABASE_ENV) {
            Ok(url) if url.starts_with("postgres") => fresh_postgres_database(&url).await,
            _ => String::new(),
        };
        let mut instance = ProcessInstance {
            base: format!("http://{host}:{port}"),
            host: host.to_owned(),
            port,
            database_url,
            dir: tempfile::tempdir().expect("tempdir"),
            child: None,
        };
        instance.run().await;
        instance
    }

    /// Starts the process and waits until it answers.
    async fn run(&mut self) {
        let config = self.dir.path().join("test.toml");
        std::fs::write(&config, test_config(Limits::default())).expect("config");
        let log = if std::env::var("INSPRAAK_TEST_LOG").is_ok() {
            std::process::Stdio::inherit()
        } else {
            std::process::Stdio::null()
        };
        let child = std::process::Command::new(inspraak_binary())
            .args(["serve", "--config"])
            .arg(&config)
            .env("INSPRAAK_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("INSPRAAK_PUBLIC_URL", &self.base)
            .env("INSPRAAK_DATA_DIR", self.dir.path())
            .env("DATABASE_URL", &self.database_url)
            .env(
                "INSPRAAK_LOG",
                std::env::var("INSPRAAK_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start inspraak");
        self.child = Some(child);
        let mut browser = self.browser();
        for _ in 0..300 {
            if let Ok(response) = browser
                .client
                .get(format!("{}/healthz", self.base))
                .send()
                .await
                && response.status().is_success()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = browser.get("/").await;
        panic!("inspraak did not start on {}", self.base);
    }

    /// Kills the process with SIGKILL: no shutdown, no flushing, like a power cut.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
    }

    /// Starts the process again on the same port with the same data.
    pub async fn restart(&mut self) {
        self.kill();
        self.run().await;
    }

    /// A browser for this instance.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Opens this instance's database.
    pub async fn database(&self) -> inspraak_db::Database {
        inspraak_db::Database::connect(&self.database_url, self.dir.path(), 2)
            .await
            .expect("open test database")
    }

    /// Creates an admin the way `inspraak admin create` does.
    pub async fn create_admin(&self, username: &str, password: &str) {
        create_admin_in(&self.database().await, &self.base, username, password).await;
    }
}

impl Drop for ProcessInstance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Stores an admin account in `db`.
async fn create_admin_in(db: &inspraak_db::Database, base: &str, username: &str, password: &str) {
    let hash = inspraak_app::password::hash_password(password.to_owned())
        .await
        .expect("hash");
    inspraak_db::users::create(
        &db.conn,
        inspraak_db::users::NewUser {
            username: username.into(),
            display_name: format!("Admin {username}"),
            email: None,
            password_hash: hash,
            role: inspraak_domain::Role::Admin,
            ap_id: format!("{base}/users/{username}"),
        },
        chrono::Utc::now(),
    )
    .await
    .expect("create admin");
}
