//! A browser without JavaScript: keeps cookies, sends forms with their CSRF token, and does
//! not follow redirects (tests look at them).

use crate::page::Page;
use std::collections::HashMap;

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

    /// GET a path asking for JSON, so that a refusal comes back as `{"error": code, …}`
    /// (see [`Page::error_code`]) instead of a translated page.
    pub async fn get_json(&mut self, path: &str) -> Page {
        self.get_with_accept(path, "application/json").await
    }

    /// POST a form as a browser would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        self.send(request).await
    }

    /// POST a form asking for JSON, so that a refusal comes back as `{"error": code, …}`
    /// (see [`Page::error_code`]) instead of a translated page.
    pub async fn post_json(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("accept", "application/json")
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

    /// An API call with a bearer token and a plain-text body (a CSV file).
    pub async fn api_text(
        &mut self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: String,
    ) -> Page {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(body);
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

    /// Like [`Browser::submit`], but asks for JSON, so that a refusal comes back as
    /// `{"error": code, …}` (see [`Page::error_code`]) instead of a translated page.
    pub async fn submit_json(
        &mut self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let token = self.get(form_page).await.expect(200).csrf();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        let request = self
            .client
            .post(format!("{}{action}", self.base))
            .header("accept", "application/json")
            .form(&all);
        self.send(request).await
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

    /// The HTTP client (no redirects; `*.test` names resolve to loopback).
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The value of a cookie, if set.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }
}
