//! Test harness: starts real Inspraak instances on free loopback ports, each with its own
//! fresh database (SQLite in a temporary folder, or a new PostgreSQL database when
//! `INSPRAAK_TEST_DATABASE` holds a `postgres://` URL), and a small cookie-keeping browser.
//!
//! ```text
//! let a = TestInstance::builder().host("gemeente-a.test").start().await;
//! let killable = TestInstance::builder().host("gemeente-b.test").process().start().await;
//! let strict = TestInstance::builder().limits(Limits { logins_per_minute: 2, ..Limits::default() }).start().await;
//! ```

pub mod browser;
pub mod instance;
pub mod page;
pub mod signing;

pub use browser::Browser;
pub use inspraak_testdata::database::{DATABASE_ENV, database_label, fresh_database_url};
pub use instance::{
    InstanceBuilder, Limits, Mode, Stopped, TestInstance, inspraak_binary, test_config,
};
pub use page::{Element, Page, extract_all, extract_between};
