//! The web view (`isu-ledger serve`): a local, read-only view of the books in a browser.
//!
//! A front end as thin as `cli`: each page checks its query parameters, calls one method
//! of `app::Books` and renders the result with the same HTML and templates as `report`.
//! There is no write endpoint. The ledger is opened for each request, read-only as every
//! report is, so the finance officer can record payments while it runs (WAL). Nothing is
//! ever read from a path a request names: the only file is the ledger given at start.
//!
//! Security: every response carries a content-security policy that allows no script and
//! no fetch, and `X-Content-Type-Options: nosniff`. With a token (required by `cli` for an
//! address other than loopback), every request must carry it, as `Authorization: Bearer
//! TOKEN`, the cookie `isu_ledger_token` or the query parameter `token` (which sets the
//! cookie, so that links need not repeat it); any other request gets 401.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};

use crate::app::journal::{JournalQuery, JournalQueryError};
use crate::app::Books;
use crate::app::StoreError;
use crate::domain::dates::DateRange;
use crate::domain::parse_date_within;
use crate::ledger::{check_budget_year, PartyCode};
use crate::render::chart::escape;
use crate::render::html::{self, committee_page, PageExtras};
use crate::render::Tabular;

/// The content-security policy of every page: inline style only; no script, no fetch, no
/// frame; forms submit to this server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/// The cookie that carries the token once given in the query.
pub const TOKEN_COOKIE: &str = "isu_ledger_token";
/// The longest value a query parameter may have.
const VALUE_CHARS_MAX: usize = 200;
/// Entries on one page of the journal.
const JOURNAL_PER_PAGE: u64 = 100;

/// What the server needs, fixed at start.
pub struct Config {
    /// The ledger file.
    pub db: PathBuf,
    /// Required on every request when set.
    pub token: Option<String>,
    /// The report date when a request gives none: `--as-of`, else today.
    pub default_as_of: Box<dyn Fn() -> NaiveDate + Send + Sync>,
    /// Today, for the range of dates a request may give.
    pub today: Box<dyn Fn() -> NaiveDate + Send + Sync>,
}

/// A page that could not be shown: its status and what was wrong, in one sentence.
#[derive(Debug)]
pub struct WebError {
    status: StatusCode,
    message: String,
}

impl WebError {
    fn bad_request(message: impl Into<String>) -> WebError {
        WebError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn not_found(message: impl Into<String>) -> WebError {
        WebError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
}

impl From<anyhow::Error> for WebError {
    fn from(error: anyhow::Error) -> WebError {
        let status = match error.downcast_ref::<StoreError>() {
            Some(StoreError::PartyNotFound { .. }) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        WebError {
            status,
            message: format!("{error:#}"),
        }
    }
}

/// The query string of a request, checked against the parameters its page takes.
struct Query {
    values: BTreeMap<String, String>,
}

/// Decodes `%XX` and `+` of a query string.
fn percent_decode(text: &str) -> Result<String, WebError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        WebError::bad_request("the query has a '%' not followed by two hex digits")
                    })?;
                out.push(hex);
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| WebError::bad_request("the query is not UTF-8"))
}

impl Query {
    /// Parses `raw`, refusing a parameter the page does not take, a parameter given twice,
    /// a value too long or holding a control character. An empty value counts as absent
    /// (a form's empty field).
    fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Query, WebError> {
        let mut values = BTreeMap::new();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name)?;
            let value = percent_decode(value)?;
            if name == "token" {
                continue;
            }
            if !allowed.contains(&name.as_str()) {
                return Err(WebError::bad_request(format!(
                    "unknown parameter '{}': this page takes {}",
                    crate::text::excerpt(&name),
                    if allowed.is_empty() {
                        "none".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )));
            }
            if value.chars().count() > VALUE_CHARS_MAX {
                return Err(WebError::bad_request(format!(
                    "parameter '{name}' is longer than {VALUE_CHARS_MAX} characters"
                )));
            }
            if value.chars().any(char::is_control) {
                return Err(WebError::bad_request(format!(
                    "parameter '{name}' holds a control character"
                )));
            }
            if values.contains_key(&name) {
                return Err(WebError::bad_request(format!(
                    "parameter '{name}' is given twice"
                )));
            }
            if !value.trim().is_empty() {
                values.insert(name, value.trim().to_string());
            }
        }
        Ok(Query { values })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    fn date(&self, name: &str, config: &Config) -> Result<Option<NaiveDate>, WebError> {
        self.get(name)
            .map(|text| {
                let range = DateRange {
                    today: (config.today)(),
                    allow_future: true,
                };
                parse_date_within(text, &range)
                    .map_err(|e| WebError::bad_request(format!("parameter '{name}': {e}")))
            })
            .transpose()
    }

    fn as_of(&self, config: &Config) -> Result<NaiveDate, WebError> {
        Ok(self
            .date("as_of", config)?
            .unwrap_or_else(|| (config.default_as_of)()))
    }

    fn year(&self) -> Result<Option<i32>, WebError> {
        self.get("year")
            .map(|text| {
                let year: i32 = text.parse().map_err(|_| {
                    WebError::bad_request(format!(
                        "parameter 'year': '{}' is not a year",
                        crate::text::excerpt(text)
                    ))
                })?;
                check_budget_year(year)
                    .map_err(|e| WebError::bad_request(format!("parameter 'year': {e}")))?;
                Ok(year)
            })
            .transpose()
    }

    fn party(&self) -> Result<Option<PartyCode>, WebError> {
        self.get("party")
            .map(|text| {
                text.parse()
                    .map_err(|e| WebError::bad_request(format!("parameter 'party': {e}")))
            })
            .transpose()
    }
}

/// The year and date a page is for, with the links and the date chooser around it.
struct Frame {
    year: i32,
    as_of: NaiveDate,
}

impl Frame {
    fn of(query: &Query, config: &Config) -> Result<Frame, WebError> {
        let as_of = query.as_of(config)?;
        Ok(Frame {
            year: query.year()?.unwrap_or(as_of.year()),
            as_of,
        })
    }

    fn suffix(&self) -> String {
        format!("?year={}&as_of={}", self.year, self.as_of)
    }

    fn nav(&self) -> String {
        let suffix = self.suffix();
        let mut nav = String::from("<nav>");
        for (path, name) in [
            ("/", "Dashboard"),
            ("/outstanding", "Outstanding"),
            ("/honour-roll", "Honour roll"),
            ("/budget", "Budget"),
            ("/meetings", "Meetings"),
            ("/journal", "Journal"),
        ] {
            let _ = write!(
                nav,
                r#"<a href="{}">{name}</a>"#,
                escape(&format!("{path}{suffix}"))
            );
        }
        nav.push_str("</nav>");
        nav
    }

    /// The date chooser: a plain form, no script.
    fn controls(&self, action: &str) -> String {
        format!(
            r#"<form class="controls" method="get" action="{}"><label>Year <input type="number" name="year" value="{}" min="1990" max="2100"></label><label>As of <input type="date" name="as_of" value="{}"></label><button type="submit">Show</button></form>"#,
            escape(action),
            self.year,
            self.as_of
        )
    }

    fn statement_link(&self) -> impl Fn(&str) -> String + '_ {
        move |code: &str| format!("/statement/{code}?as_of={}", self.as_of)
    }
}

fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn error_response(error: &WebError) -> Response {
    let title = match error.status {
        StatusCode::BAD_REQUEST => "Bad request",
        StatusCode::UNAUTHORIZED => "Unauthorised",
        StatusCode::NOT_FOUND => "Not found",
        _ => "Error",
    };
    let body = html::page(
        title,
        "",
        &PageExtras {
            nav: r#"<nav><a href="/">Dashboard</a></nav>"#.to_string(),
            ..PageExtras::default()
        },
        Some(&error.message),
        "",
    )
    .unwrap_or_else(|_| escape(&error.message));
    html_response(error.status, body)
}

/// Runs `work` on a blocking thread with the books open, and turns its page or error into
/// a response.
async fn respond<F>(config: Arc<Config>, work: F) -> Response
where
    F: FnOnce(&Config, &Books) -> Result<String, WebError> + Send + 'static,
{
    let result = tokio::task::spawn_blocking(move || {
        let books = Books::open(&config.db).map_err(|e| WebError::from(anyhow::Error::from(e)))?;
        work(&config, &books)
    })
    .await;
    match result {
        Ok(Ok(page)) => html_response(StatusCode::OK, page),
        Ok(Err(error)) => error_response(&error),
        Err(_) => error_response(&WebError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "the page could not be made".to_string(),
        }),
    }
}

/// Checks the query first, on the request's thread, then makes the page.
async fn page_of<F>(config: Arc<Config>, raw: Option<String>, allowed: &[&str], work: F) -> Response
where
    F: FnOnce(&Config, &Books, Query) -> Result<String, WebError> + Send + 'static,
{
    let query = match Query::parse(raw.as_deref(), allowed) {
        Ok(query) => query,
        Err(error) => return error_response(&error),
    };
    respond(config, move |config, books| work(config, books, query)).await
}

/// A page of tables with the navigation and the date chooser.
fn framed(
    frame: &Frame,
    action: &str,
    title: &str,
    subtitle: &str,
    body: &str,
) -> Result<String, WebError> {
    Ok(html::page(
        title,
        subtitle,
        &PageExtras {
            nav: frame.nav(),
            controls: frame.controls(action),
            ..PageExtras::default()
        },
        None,
        body,
    )?)
}

async fn dashboard(State(config): State<Arc<Config>>, RawQuery(raw): RawQuery) -> Response {
    page_of(config, raw, &["year", "as_of"], |config, books, query| {
        let frame = Frame::of(&query, config)?;
        let report = books.committee_report(frame.year, frame.as_of)?;
        let link = frame.statement_link();
        let chain = books.chain_head()?;
        Ok(committee_page(
            &report,
            &PageExtras {
                nav: frame.nav(),
                controls: frame.controls("/"),
                link: Some(&link),
                chain: Some(&chain),
            },
        )?)
    })
    .await
}

async fn outstanding(State(config): State<Arc<Config>>, RawQuery(raw): RawQuery) -> Response {
    page_of(config, raw, &["year", "as_of"], |config, books, query| {
        let frame = Frame::of(&query, config)?;
        let report = books.outstanding(
            frame.year,
            frame.as_of,
            crate::reports::outstanding::Selection {
                min: None,
                top: None,
            },
        )?;
        let link = frame.statement_link();
        let body = html::table(&report.table(), "outstanding-table", Some(&link));
        framed(
            &frame,
            "/outstanding",
            &format!("Outstanding for {} and earlier", frame.year),
            &format!("As of {}", frame.as_of),
            &body,
        )
    })
    .await
}

async fn statement(
    State(config): State<Arc<Config>>,
    UrlPath(code): UrlPath<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    page_of(config, raw, &["as_of"], move |config, books, query| {
        let frame = Frame::of(&query, config)?;
        let code: PartyCode = code.parse().map_err(|e| {
            WebError::not_found(format!(
                "no statement for '{}': {e}",
                crate::text::excerpt(&code)
            ))
        })?;
        let report = books.statement(&code, frame.as_of)?;
        let body = html::table(&report.table(), "statement-table", None);
        framed(
            &frame,
            &format!("/statement/{code}"),
            &format!("Statement of {} ({code})", report.name),
            &format!("As of {}", frame.as_of),
            &body,
        )
    })
    .await
}

async fn honour_roll(State(config): State<Arc<Config>>, RawQuery(raw): RawQuery) -> Response {
    page_of(config, raw, &["year", "as_of"], |config, books, query| {
        let frame = Frame::of(&query, config)?;
        let report = books.honour_roll(frame.year, frame.as_of, None)?;
        let link = frame.statement_link();
        let body = html::table(&report.table(), "honour-roll-table", Some(&link));
        framed(
            &frame,
            "/honour-roll",
            &format!("Honour roll {}", frame.year),
            &format!("As of {}", frame.as_of),
            &body,
        )
    })
    .await
}

async fn budget(State(config): State<Arc<Config>>, RawQuery(raw): RawQuery) -> Response {
    page_of(config, raw, &["year", "as_of"], |config, books, query| {
        let frame = Frame::of(&query, config)?;
        let report = books.budget_report(frame.year, frame.as_of)?;
        let body = html::table(&report.table(), "budget-table", None);
        framed(
            &frame,
            "/budget",
            &format!("Budget {} against spending", frame.year),
            &format!("As of {}", frame.as_of),
            &body,
        )
    })
    .await
}

async fn meetings(State(config): State<Arc<Config>>, RawQuery(raw): RawQuery) -> Response {
    page_of(config, raw, &["year", "as_of"], |config, books, query| {
        let frame = Frame::of(&query, config)?;
        let meetings = books.meetings_of_year(frame.year, frame.as_of)?;
        let mut body = String::new();
        for meeting in &meetings {
            body.push_str(&html::table(
                &meeting.table(),
                &format!("meeting-{}", meeting.code),
                None,
            ));
        }
        if meetings.is_empty() {
            let _ = write!(body, "<p>No meeting is held in {}.</p>", frame.year);
        }
        framed(
            &frame,
            "/meetings",
            &format!("Meetings of {}", frame.year),
            &format!(
                "Documentation forecast against the estimate as of {}",
                frame.as_of
            ),
            &body,
        )
    })
    .await
}

const JOURNAL_PARAMETERS: [&str; 8] = [
    "as_of",
    "party",
    "year",
    "from",
    "to",
    "account",
    "reference",
    "page",
];

async fn journal(State(config): State<Arc<Config>>, RawQuery(raw): RawQuery) -> Response {
    page_of(config, raw, &JOURNAL_PARAMETERS, |config, books, query| {
        let as_of = query.as_of(config)?;
        let from = query.date("from", config)?;
        let to = query.date("to", config)?;
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(WebError::bad_request(format!(
                    "parameter 'from' ({from}) is after 'to' ({to})"
                )));
            }
        }
        let account = query.get("account").map(str::to_string);
        if let Some(account) = &account {
            let fine = account
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'));
            if !fine {
                return Err(WebError::bad_request(format!(
                    "parameter 'account': '{}' is not an account name (letters, digits, ':', '-', '_')",
                    crate::text::excerpt(account)
                )));
            }
        }
        let page = query
            .get("page")
            .map(|text| {
                text.parse::<u64>()
                    .ok()
                    .filter(|page| (1..=1_000_000).contains(page))
                    .ok_or_else(|| {
                        WebError::bad_request(format!(
                            "parameter 'page': '{}' is not a page number from 1",
                            crate::text::excerpt(text)
                        ))
                    })
            })
            .transpose()?
            .unwrap_or(1);
        let journal_query = JournalQuery {
            party: query.party()?,
            year: query.year()?,
            from,
            account,
            reference: query.get("reference").map(str::to_string),
            ..JournalQuery::until(to.map_or(as_of, |to| to.min(as_of)))
        };
        let shown = books
            .journal_numbered_page(&journal_query, page, JOURNAL_PER_PAGE)
            .map_err(|error| {
                if let Some(refused) = error.downcast_ref::<JournalQueryError>() {
                    let parameter = match refused {
                        JournalQueryError::NoAccount { .. } => "account",
                        JournalQueryError::FromAfterUntil { .. } => "from",
                    };
                    return WebError::bad_request(format!("parameter '{parameter}': {refused}"));
                }
                let web = WebError::from(error);
                if web.status == StatusCode::NOT_FOUND {
                    WebError::bad_request(format!("parameter 'party': {}", web.message))
                } else {
                    web
                }
            })?;
        let frame = Frame {
            year: journal_query.year.unwrap_or(as_of.year()),
            as_of,
        };
        let value = |v: Option<String>| escape(&v.unwrap_or_default());
        let controls = format!(
            r#"<form class="controls" method="get" action="/journal"><label>As of <input type="date" name="as_of" value="{as_of}"></label><label>Party <input name="party" size="4" value="{party}"></label><label>Year <input type="number" name="year" value="{year}"></label><label>From <input type="date" name="from" value="{from}"></label><label>To <input type="date" name="to" value="{to}"></label><label>Account <input name="account" value="{account}"></label><label>Reference <input name="reference" value="{reference}"></label><button type="submit">Show</button></form>"#,
            party = value(journal_query.party.as_ref().map(|p| p.to_string())),
            year = value(journal_query.year.map(|y| y.to_string())),
            from = value(from.map(|d| d.to_string())),
            to = value(to.map(|d| d.to_string())),
            account = value(journal_query.account.clone()),
            reference = value(journal_query.reference.clone()),
        );
        // The same filters on the other pages.
        let mut filters = format!("as_of={as_of}");
        for (name, v) in [
            ("party", journal_query.party.as_ref().map(|p| p.to_string())),
            ("year", journal_query.year.map(|y| y.to_string())),
            ("from", from.map(|d| d.to_string())),
            ("to", to.map(|d| d.to_string())),
            ("account", journal_query.account.clone()),
            ("reference", journal_query.reference.clone()),
        ] {
            if let Some(v) = v {
                let _ = write!(filters, "&{name}={}", percent_encode(&v));
            }
        }
        let mut paging = format!(
            r#"<p class="paging">Page {} of {}, {} matching"#,
            shown.page,
            shown.pages,
            crate::text::count(shown.matching, "entry", "entries")
        );
        if shown.page > 1 {
            let _ = write!(
                paging,
                r#" · <a href="{}" rel="prev">previous</a>"#,
                escape(&format!("/journal?{filters}&page={}", shown.page - 1))
            );
        }
        if shown.page < shown.pages {
            let _ = write!(
                paging,
                r#" · <a href="{}" rel="next">next</a>"#,
                escape(&format!("/journal?{filters}&page={}", shown.page + 1))
            );
        }
        paging.push_str("</p>");
        let body = format!(
            "{paging}{}",
            html::table(&shown.journal.table(), "journal-table", None)
        );
        Ok(html::page(
            "Journal",
            &format!("Entries dated up to {as_of}"),
            &PageExtras {
                nav: frame.nav(),
                controls,
                ..PageExtras::default()
            },
            None,
            &body,
        )?)
    })
    .await
}

/// Encodes a query value: letters, digits and `-._~:` as they are, anything else `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

async fn not_found(RawQuery(_): RawQuery) -> Response {
    error_response(&WebError::not_found(
        "no such page: see the dashboard for the pages there are",
    ))
}

/// Compares without stopping at the first difference, so that timing tells nothing of the
/// token.
fn same_secret(given: &str, expected: &str) -> bool {
    let (given, expected) = (given.as_bytes(), expected.as_bytes());
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

/// The token a request carries: by header, cookie or query parameter (the last one
/// returned apart, to set the cookie).
fn tokens_of(request: &Request) -> (Vec<String>, Option<String>) {
    let mut tokens = Vec::new();
    let headers = request.headers();
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        tokens.push(bearer.trim().to_string());
    }
    for cookies in headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for cookie in cookies.split(';') {
            if let Some(value) = cookie.trim().strip_prefix(&format!("{TOKEN_COOKIE}=")) {
                tokens.push(value.to_string());
            }
        }
    }
    let from_query = request.uri().query().and_then(|query| {
        query
            .split('&')
            .filter_map(|pair| pair.strip_prefix("token="))
            .find_map(|value| percent_decode(value).ok())
    });
    (tokens, from_query)
}

async fn guard(State(config): State<Arc<Config>>, request: Request, next: Next) -> Response {
    let Some(expected) = config.token.as_deref() else {
        return next.run(request).await;
    };
    let (tokens, from_query) = tokens_of(&request);
    if tokens.iter().any(|t| same_secret(t, expected)) {
        return next.run(request).await;
    }
    if from_query
        .as_deref()
        .is_some_and(|t| same_secret(t, expected))
    {
        let mut response = next.run(request).await;
        if let Ok(cookie) = HeaderValue::from_str(&format!(
            "{TOKEN_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            percent_encode(expected)
        )) {
            response.headers_mut().insert(header::SET_COOKIE, cookie);
        }
        return response;
    }
    let mut response = error_response(&WebError {
        status: StatusCode::UNAUTHORIZED,
        message: "this view needs its token: give it as `Authorization: Bearer TOKEN`, or \
                  once as ?token=TOKEN in the address"
            .to_string(),
    });
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"isu-ledger\""),
    );
    response
}

async fn secure_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The routes of the view: read-only, every one a GET (HEAD too).
pub fn router(config: Arc<Config>) -> Router {
    Router::new()
        .route("/", get(dashboard))
        .route("/outstanding", get(outstanding))
        .route("/statement/{code}", get(statement))
        .route("/honour-roll", get(honour_roll))
        .route("/budget", get(budget))
        .route("/meetings", get(meetings))
        .route("/journal", get(journal))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(config.clone(), guard))
        .layer(middleware::from_fn(secure_headers))
        .with_state(config)
}

/// Serves the view on `listener` until the process ends; `ready` is told the address it
/// listens on (port 0 picks a free one).
pub fn serve(
    config: Config,
    listener: std::net::TcpListener,
    ready: impl FnOnce(SocketAddr) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let address = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        ready(address)?;
        axum::serve(listener, router(Arc::new(config))).await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_decoded_and_checked() {
        let query = Query::parse(
            Some("year=2017&reference=DE%2D01+x&as_of="),
            &["year", "reference", "as_of"],
        )
        .unwrap();
        assert_eq!(query.get("year"), Some("2017"));
        assert_eq!(query.get("reference"), Some("DE-01 x"));
        assert_eq!(query.get("as_of"), None, "an empty field is absent");
        let error = |raw: &str| Query::parse(Some(raw), &["year"]).err().unwrap().message;
        assert!(error("colour=red").contains("unknown parameter 'colour'"));
        assert!(error("year=1&year=2").contains("given twice"));
        assert!(error("year=%zz").contains("two hex digits"));
        assert!(error("year=%0a").contains("control character"));
        assert!(error(&format!("year={}", "9".repeat(201))).contains("longer than 200"));
        assert!(
            Query::parse(Some("token=x&year=1"), &["year"]).is_ok(),
            "the token is the guard's"
        );
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert_eq!(percent_encode("a b&c/é"), "a%20b%26c%2F%C3%A9");
    }
}
