//! Starting test instances: one builder for every way a test needs one (in this process or
//! as an `inspraak serve` child, under any host name, with extra settings and limits), on a
//! fresh SQLite folder or PostgreSQL database.

use crate::browser::Browser;
use inspraak_server::Instance;
use inspraak_server::config::Config;
use inspraak_testdata::database::fresh_database_url;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::oneshot;

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

/// The configuration file of test instances: generous limits, federation in test mode (plain
/// http, ports, loopback) with retries after one second.
pub fn test_config(limits: Limits) -> String {
    format!(
        "[server]\ntrust_forwarded_for = {}\n[security]\nlogin_attempts_per_minute = {}\nregistrations_per_hour = 1000\ncode_attempts_per_hour = 1000\n[federation]\ntest_mode = true\nretry_after_seconds = 1\nstatistics_interval_seconds = 1\n",
        limits.trust_forwarded_for, limits.logins_per_minute
    )
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

/// Where an instance runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A task in the test's own process (fast; stops gracefully).
    InProcess,
    /// Its own `inspraak serve` process, so a test can kill it with SIGKILL.
    Process,
}

/// How to start a [`TestInstance`]; see [`TestInstance::builder`].
#[derive(Debug, Clone)]
pub struct InstanceBuilder {
    host: String,
    settings: Vec<(String, String)>,
    limits: Limits,
    mode: Mode,
}

impl InstanceBuilder {
    /// Runs under this host name (`gemeente-a.test`) instead of `localhost`, so several
    /// instances on one machine have distinct origins; in test mode every `*.test` name
    /// resolves to loopback.
    pub fn host(mut self, host: &str) -> Self {
        host.clone_into(&mut self.host);
        self
    }

    /// Adds an environment-style setting (`INSPRAAK_…`) on top of the test configuration.
    pub fn setting(mut self, key: &str, value: &str) -> Self {
        self.settings.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the generous test limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Runs as a task in this process (the default).
    pub fn in_process(mut self) -> Self {
        self.mode = Mode::InProcess;
        self
    }

    /// Runs as its own `inspraak serve` process, which [`TestInstance::kill`] can SIGKILL.
    pub fn process(mut self) -> Self {
        self.mode = Mode::Process;
        self
    }

    /// Starts the instance on a free loopback port with a fresh database and data folder.
    pub async fn start(self) -> TestInstance {
        inspraak_server::install_crypto_provider();
        init_test_log();
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = fresh_database_url().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mut instance = TestInstance {
            base: format!("http://{}:{port}", self.host),
            host: self.host.clone(),
            port,
            database_url,
            data_dir: dir.path().to_owned(),
            builder: self,
            running: Running::Nothing,
            app: None,
            dir: Some(dir),
        };
        instance.run(listener).await;
        instance
    }
}

/// What runs an instance now.
enum Running {
    /// Nothing (stopped, killed, or not yet started).
    Nothing,
    /// A server task in this process.
    Task {
        stop: oneshot::Sender<()>,
        server: tokio::task::JoinHandle<()>,
    },
    /// An `inspraak serve` child process.
    Child(std::process::Child),
}

/// A running instance; stops when dropped (a child process is killed).
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
    builder: InstanceBuilder,
    running: Running,
    /// The use cases of an instance running in this process.
    app: Option<inspraak_app::App>,
    dir: Option<tempfile::TempDir>,
}

/// What a stopped instance keeps, to start again with the same address, settings and data.
pub struct Stopped {
    instance: TestInstance,
}

impl TestInstance {
    /// A builder with the test defaults: `localhost`, in this process, generous limits.
    pub fn builder() -> InstanceBuilder {
        InstanceBuilder {
            host: "localhost".into(),
            settings: Vec::new(),
            limits: Limits::default(),
            mode: Mode::InProcess,
        }
    }

    /// Starts an instance with the test defaults (`TestInstance::builder().start()`).
    pub async fn start() -> TestInstance {
        Self::builder().start().await
    }

    /// Where this instance runs.
    pub fn mode(&self) -> Mode {
        self.builder.mode
    }

    /// The environment-style settings the instance runs with.
    fn environment(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("INSPRAAK_LISTEN".into(), format!("127.0.0.1:{}", self.port)),
            ("INSPRAAK_PUBLIC_URL".into(), self.base.clone()),
            (
                "INSPRAAK_DATA_DIR".into(),
                self.data_dir.display().to_string(),
            ),
            ("DATABASE_URL".into(), self.database_url.clone()),
        ];
        env.extend(self.builder.settings.iter().cloned());
        env
    }

    /// Writes the test configuration and starts serving (on `listener` in this process, or
    /// as a child process on the same port).
    async fn run(&mut self, listener: tokio::net::TcpListener) {
        let config_file = self.data_dir.join("test.toml");
        std::fs::write(&config_file, test_config(self.builder.limits)).expect("write test config");
        match self.builder.mode {
            Mode::InProcess => {
                let env: HashMap<String, String> = self.environment().into_iter().collect();
                let settings = Config::load(Some(&config_file), |k| env.get(k).cloned())
                    .expect("test configuration");
                let instance = Instance::build_on(&settings, listener)
                    .await
                    .expect("instance starts");
                self.app = Some(instance.app().clone());
                let (stop, stopped) = oneshot::channel::<()>();
                let server = tokio::spawn(async move {
                    let _ = instance
                        .run_until(async {
                            let _ = stopped.await;
                        })
                        .await;
                });
                self.running = Running::Task { stop, server };
            }
            Mode::Process => {
                self.app = None;
                drop(listener);
                self.spawn_child(&config_file);
                self.wait_until_healthy().await;
            }
        }
    }

    /// Starts `inspraak serve` with this instance's configuration.
    fn spawn_child(&mut self, config_file: &std::path::Path) {
        let log = if std::env::var("INSPRAAK_TEST_LOG").is_ok() {
            std::process::Stdio::inherit()
        } else {
            std::process::Stdio::null()
        };
        let mut command = std::process::Command::new(inspraak_binary());
        command.args(["serve", "--config"]).arg(config_file);
        for (key, value) in self.environment() {
            command.env(key, value);
        }
        let child = command
            .env(
                "INSPRAAK_LOG",
                std::env::var("INSPRAAK_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start inspraak");
        self.running = Running::Child(child);
    }

    /// Waits until `/healthz` answers (a child process takes a moment).
    async fn wait_until_healthy(&self) {
        let browser = self.browser();
        for _ in 0..300 {
            if let Ok(response) = browser
                .client()
                .get(format!("{}/healthz", self.base))
                .send()
                .await
                && response.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("inspraak did not start on {}", self.base);
    }

    /// Binds this instance's own port again, waiting until the old server has let go.
    async fn bind_again(&self) -> tokio::net::TcpListener {
        let mut last_error = None;
        for _ in 0..50 {
            match tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(listener) => return listener,
                Err(err) => last_error = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("port {} did not come free: {last_error:?}", self.port)
    }

    /// Stops serving: a task finishes its open requests, a child process is killed.
    async fn halt(&mut self) {
        match std::mem::replace(&mut self.running, Running::Nothing) {
            Running::Nothing => {}
            Running::Task { stop, server } => {
                let _ = stop.send(());
                let abort = server.abort_handle();
                if tokio::time::timeout(Duration::from_secs(5), server)
                    .await
                    .is_err()
                {
                    abort.abort();
                }
            }
            Running::Child(mut child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// Stops the server (open requests finish) and keeps its data for [`Stopped::start`].
    pub async fn stop(mut self) -> Stopped {
        self.halt().await;
        Stopped { instance: self }
    }

    /// Kills the child process with SIGKILL: no shutdown, no flushing, like a power cut.
    /// Only for instances built with [`InstanceBuilder::process`].
    pub fn kill(&mut self) {
        assert_eq!(
            self.builder.mode,
            Mode::Process,
            "only a child process can be killed: build the instance with .process()"
        );
        if let Running::Child(mut child) = std::mem::replace(&mut self.running, Running::Nothing) {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
    }

    /// Starts the instance again on the same port with the same settings and data (a running
    /// one is stopped first; a child process is killed).
    pub async fn restart(&mut self) {
        self.halt().await;
        let listener = self.bind_again().await;
        self.run(listener).await;
    }

    /// Opens this instance's database (for set-up that has no HTTP route, like the first admin).
    pub async fn database(&self) -> inspraak_db::Database {
        inspraak_db::Database::connect(&self.database_url, &self.data_dir, 2)
            .await
            .expect("open test database")
    }

    /// The running instance's use cases, for set-up that has no HTTP route in a test's branch
    /// (they federate as the routes' calls would). Only for instances in this process.
    pub fn app(&self) -> &inspraak_app::App {
        self.app
            .as_ref()
            .expect("only an instance running in this process has its use cases at hand")
    }

    /// Creates an admin the way `inspraak admin create` does.
    pub async fn create_admin(&self, username: &str, password: &str) {
        let db = self.database().await;
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
                ap_id: format!("{}/users/{username}", self.base),
            },
            chrono::Utc::now(),
        )
        .await
        .expect("create admin");
    }

    /// A new browser for this instance, with no cookies.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }
}

impl Stopped {
    /// Starts the instance again on the same port with the same settings and data.
    pub async fn start(self) -> TestInstance {
        let mut instance = self.instance;
        instance.restart().await;
        instance
    }
}

impl Drop for TestInstance {
    fn drop(&mut self) {
        match std::mem::replace(&mut self.running, Running::Nothing) {
            Running::Nothing => {}
            Running::Task { stop, .. } => {
                let _ = stop.send(());
            }
            Running::Child(mut child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        // The data folder goes last, after the server has been told to stop.
        drop(self.dir.take());
    }
}

/// The `inspraak` binary that `cargo test` builds next to the test binaries.
pub fn inspraak_binary() -> std::path::PathBuf {
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
