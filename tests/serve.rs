//! `serve`: the read-only web view, started on the 2017 example on 127.0.0.1 with a free
//! port, asked with plain HTTP/1.1 requests to loopback only (each with a time limit), and
//! stopped at the end of each test. Every route, the 400 pages for bad parameters, the
//! token rule, the security headers, and figures equal to the CLI's; and headless Chromium
//! loading the report file and the dashboard with no console error (skipped with a message
//! where Chromium is missing, required under `ISU_LEDGER_REQUIRE_TOOLS=1`).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{isu, isu_ok, json_minor};
use serde_json::Value;
use tempfile::TempDir;

const TOKEN: &str = "correct-horse-battery-staple";

/// A server started for a test, stopped when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve --bind 127.0.0.1:0` with `extra` arguments and waits for the line that
/// names its address.
fn start(db: &Path, extra: &[&str]) -> Server {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("isu-ledger"));
    if let Some(dir) = db.parent() {
        command.current_dir(dir);
    }
    let mut child = command
        .env_remove("ISU_LEDGER_DB")
        .arg("--db")
        .arg(db)
        .args(["--as-of", "2017-06-27", "serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    Server { child, address }
}

/// A response: status, headers (names in lower case) and body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One request to the server on loopback, with a time limit.
fn request(server: &Server, method: &str, path: &str, headers: &[&str]) -> Response {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

fn get(server: &Server, path: &str) -> Response {
    request(server, "GET", path, &[])
}

fn demo() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    isu_ok(&db, &["demo"]);
    (dir, db)
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "--as-of", "2017-06-27"];
    all.extend_from_slice(args);
    serde_json::from_str(&isu_ok(db, &all)).unwrap()
}

fn decode(text: &str) -> String {
    text.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text of the element marked `data-figure="NAME"`, as minor units.
fn figure_minor(html: &str, name: &str) -> i64 {
    let marker = format!("data-figure=\"{name}\">");
    let start = html.find(&marker).unwrap() + marker.len();
    let text = decode(&html[start..start + html[start..].find('<').unwrap()]);
    let amount = text.strip_prefix("CHF ").unwrap().replace('\'', "");
    common::minor(&amount)
}

/// How many rows the body of the table `id` has.
fn rows_of(html: &str, id: &str) -> usize {
    let start = html.find(&format!("<table id=\"{id}\">")).unwrap();
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = table
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    body.matches("<tr>").count()
}

fn assert_secure(response: &Response, what: &str) {
    let policy = response
        .header("content-security-policy")
        .unwrap_or_default();
    assert!(policy.contains("default-src 'none'"), "{what}: {policy}");
    assert!(!policy.contains("script-src"), "{what}");
    assert_eq!(
        response.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
}

#[test]
fn every_page_is_served_with_the_figures_of_the_cli() {
    let (_dir, db) = demo();
    let server = start(&db, &[]);
    let dashboard = get(&server, "/");
    assert_eq!(dashboard.status, 200);
    assert_secure(&dashboard, "/");
    assert!(dashboard
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(!dashboard.body.contains("<script"));
    let status = json(&db, &["status", "2017"]);
    for figure in ["received", "budget", "outstanding", "arrears"] {
        assert_eq!(
            figure_minor(&dashboard.body, figure),
            json_minor(&status[figure]),
            "{figure}"
        );
    }
    assert!(dashboard
        .body
        .contains(r#"<input type="date" name="as_of" value="2017-06-27">"#));
    assert!(dashboard
        .body
        .contains(r#"<a href="/statement/JPN?as_of=2017-06-27">Japan</a>"#));
    // The Article 7 section: the minutes' 44 reports, and the rows of `transparency status`.
    assert!(dashboard
        .body
        .contains(r#"<dd data-figure="reports_submitted">44</dd>"#));
    let reports = json(&db, &["transparency", "status", "2016"]);
    assert_eq!(
        rows_of(&dashboard.body, "transparency-table"),
        reports["missing"].as_array().unwrap().len()
            + reports["initial_overdue"].as_array().unwrap().len()
    );
    // The report file and the dashboard show the same report.
    let may = get(&server, "/?as_of=2017-05-16&year=2017");
    assert_eq!(figure_minor(&may.body, "received"), 29_533_756);

    let outstanding = get(&server, "/outstanding?year=2017");
    assert_eq!(outstanding.status, 200);
    let expected = json(&db, &["outstanding", "2017"]);
    assert_eq!(
        rows_of(&outstanding.body, "outstanding-table"),
        expected["rows"].as_array().unwrap().len()
    );
    assert!(outstanding
        .body
        .contains(r#"<a href="/statement/GBR?as_of=2017-06-27">United Kingdom"#));

    let statement = get(&server, "/statement/GBR?as_of=2017-06-27");
    assert_eq!(statement.status, 200);
    assert!(statement.body.contains("Statement of United Kingdom"));
    let cli = json(&db, &["statement", "GBR"]);
    assert_eq!(
        rows_of(&statement.body, "statement-table"),
        cli["lines"].as_array().unwrap().len()
    );

    let honour = get(&server, "/honour-roll?year=2017");
    assert_eq!(honour.status, 200);
    assert_eq!(rows_of(&honour.body, "honour-roll-table"), 32);

    let budget = get(&server, "/budget?year=2017");
    assert_eq!(budget.status, 200);
    let cli = json(&db, &["budget", "report", "2017"]);
    assert_eq!(
        rows_of(&budget.body, "budget-table"),
        cli["lines"].as_array().unwrap().len()
    );

    let meetings = get(&server, "/meetings?year=2017");
    assert_eq!(meetings.status, 200);
    assert!(decode(&meetings.body).contains("USD 29'000.00"));
    assert!(get(&server, "/meetings?year=2016")
        .body
        .contains("No meeting is held in 2016"));

    for path in [
        "/",
        "/outstanding",
        "/honour-roll",
        "/budget",
        "/meetings",
        "/journal",
    ] {
        let response = get(&server, path);
        assert_eq!(response.status, 200, "{path}");
        assert_secure(&response, path);
    }
    assert_eq!(request(&server, "HEAD", "/", &[]).status, 200);
}

#[test]
fn the_journal_filters_and_pages() {
    let (_dir, db) = demo();
    let server = start(&db, &[]);
    let all = json(&db, &["journal", "--year", "2017"]);
    let entries = all["entries"].as_array().unwrap().len();
    assert!(entries > 100, "{entries}");
    let first = get(&server, "/journal?year=2017");
    assert_eq!(first.status, 200);
    assert!(
        rows_of(&first.body, "journal-table") >= 100,
        "a page of 100 entries"
    );
    assert!(first
        .body
        .contains(&format!("Page 1 of 2, {entries} entries matching")));
    assert!(first.body.contains(r#"rel="next""#));
    let second = get(&server, "/journal?year=2017&page=2");
    assert!(second.body.contains("Page 2 of 2"));
    assert!(second.body.contains(r#"rel="prev""#) && !second.body.contains(r#"rel="next""#));

    let deu = json(&db, &["journal", "--party", "DEU"]);
    let page = get(&server, "/journal?party=DEU");
    let count = deu["entries"].as_array().unwrap().len();
    assert!(count > 1);
    assert!(
        page.body.contains(&format!(", {count} entries matching")),
        "{count}"
    );

    // A reference, a range of dates, an account.
    let reference = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| e["reference"].as_str())
        .unwrap()
        .to_string();
    let page = get(&server, &format!("/journal?reference={reference}"));
    assert!(page.body.contains(", 1 entry matching"), "{reference}");
    let june = get(&server, "/journal?from=2017-06-01&to=2017-06-30");
    let in_june = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["date"].as_str().unwrap().starts_with("2017-06"))
        .count();
    assert!(in_june > 1);
    assert!(
        june.body.contains(&format!(", {in_june} entries matching")),
        "{in_june}"
    );
    let expenses = get(&server, "/journal?account=expenses&year=2017");
    let spent = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["transfers"].as_array().unwrap().iter().any(|t| {
                t["debit"].as_str().unwrap().starts_with("expenses:")
                    || t["credit"].as_str().unwrap().starts_with("expenses:")
            })
        })
        .count();
    assert!(spent > 1);
    assert!(
        expenses
            .body
            .contains(&format!(", {spent} entries matching")),
        "{spent}"
    );
}

#[test]
fn a_bad_parameter_is_a_400_page_saying_what_was_wrong() {
    let (_dir, db) = demo();
    let server = start(&db, &[]);
    for (path, says) in [
        ("/?year=abc", "parameter 'year': 'abc' is not a year"),
        ("/?year=1200", "parameter 'year'"),
        ("/?as_of=2017-02-30", "parameter 'as_of'"),
        ("/?colour=red", "unknown parameter 'colour'"),
        ("/outstanding?year=2017&year=2018", "given twice"),
        ("/journal?page=0", "parameter 'page'"),
        ("/journal?from=2017-07-01&to=2017-06-01", "is after 'to'"),
        ("/journal?account=assets%3Cbank", "is not an account name"),
        ("/journal?party=ZZZ", "parameter 'party'"),
        ("/journal?account=assets%3Anowhere", "parameter 'account'"),
        (
            "/journal?from=2030-01-01&as_of=2017-12-31",
            "parameter 'from'",
        ),
        ("/journal?party=D", "parameter 'party'"),
        ("/budget?year=%zz", "two hex digits"),
        ("/statement/GBR?year=2017", "unknown parameter 'year'"),
    ] {
        let response = get(&server, path);
        assert_eq!(response.status, 400, "{path}");
        assert_secure(&response, path);
        let body = decode(&response.body);
        assert!(body.contains(says), "{path}: {body}");
        assert!(body.contains("role=\"alert\""), "{path}");
    }
    for path in [
        "/nothing",
        "/statement/XXX",
        "/statement/..%2F..%2Fetc%2Fpasswd",
        "/../etc/passwd",
    ] {
        let response = get(&server, path);
        assert_eq!(response.status, 404, "{path}");
        assert_secure(&response, path);
        assert!(!response.body.contains("root:"), "{path}");
    }
    for method in ["POST", "PUT", "DELETE"] {
        let response = request(&server, method, "/", &["Content-Length: 0"]);
        assert_eq!(response.status, 405, "{method}: no write endpoint");
        assert_secure(&response, method);
    }
}

#[test]
fn with_a_token_every_request_must_carry_it() {
    let (_dir, db) = demo();
    let server = start(&db, &["--token", TOKEN]);
    for path in ["/", "/journal", "/nothing", "/statement/GBR"] {
        let response = get(&server, path);
        assert_eq!(response.status, 401, "{path}");
        assert_secure(&response, path);
        assert!(response.header("www-authenticate").is_some());
        assert!(
            !response.body.contains("311"),
            "no figure without the token"
        );
    }
    let wrong = request(
        &server,
        "GET",
        "/",
        &["Authorization: Bearer correct-horse-battery-stapler"],
    );
    assert_eq!(wrong.status, 401);
    let bearer = format!("Authorization: Bearer {TOKEN}");
    assert_eq!(request(&server, "GET", "/", &[&bearer]).status, 200);
    let by_query = get(&server, &format!("/outstanding?token={TOKEN}&year=2017"));
    assert_eq!(by_query.status, 200);
    let cookie = by_query.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = format!("Cookie: {}", cookie.split(';').next().unwrap());
    assert_eq!(request(&server, "GET", "/budget", &[&cookie]).status, 200);
    assert_eq!(get(&server, "/?token=wrong-token-wrong-token").status, 401);
}

#[test]
fn binding_beyond_loopback_needs_a_token_and_bad_options_are_refused() {
    let (dir, db) = demo();
    let short = dir.path().join("short.txt");
    std::fs::write(&short, "abc\n").unwrap();
    for (args, says) in [
        (vec!["serve", "--bind", "0.0.0.0:0"], "--token"),
        (vec!["serve", "--bind", "[::]:0"], "--token"),
        (
            vec!["serve", "--bind", "localhost"],
            "not an address and port",
        ),
        (vec!["serve", "--token", "short"], "16 to 512"),
        (
            vec!["serve", "--token", "has a space in it ok"],
            "no spaces",
        ),
        (
            vec!["serve", "--token-file", short.to_str().unwrap()],
            "16 to 512",
        ),
        (vec!["serve", "--token-file", "missing.txt"], "missing.txt"),
        (
            vec!["serve", "--token", TOKEN, "--token-file", "x"],
            "cannot be used with",
        ),
    ] {
        let output = isu(&db)
            .args(&args)
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?} started");
    }
    let output = isu(&dir.path().join("none.sqlite"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "no ledger, no server");
    let help = isu_ok(&db, &["serve", "--help"]);
    assert!(help.contains("--bind <ADDRESS:PORT>") && help.contains("[default: 127.0.0.1:8080]"));
    assert!(help.contains("--token-file <FILE>"));
}

#[test]
fn the_view_shows_a_payment_recorded_while_it_runs() {
    let (_dir, db) = demo();
    let server = start(&db, &[]);
    let before = figure_minor(&get(&server, "/").body, "received");
    isu_ok(
        &db,
        &[
            "contribution",
            "add",
            "GBR",
            "1000",
            "--date",
            "2017-06-20",
            "--ref",
            "GB-0620",
        ],
    );
    let after = figure_minor(&get(&server, "/").body, "received");
    assert_eq!(after - before, 100_000);
}

/// Headless Chromium, or `None` with a message saying the test is skipped; required (a
/// failure, not a skip) when `ISU_LEDGER_REQUIRE_TOOLS=1`, as `.ci/run` sets.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            std::process::Command::new(name)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        });
    if found.is_none() {
        assert!(
            std::env::var_os("ISU_LEDGER_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
            "headless Chromium is required (ISU_LEDGER_REQUIRE_TOOLS=1): apt-get install chromium"
        );
        eprintln!("skipped: no headless Chromium here (apt-get install chromium to run this test)");
    }
    found
}

/// Loads `url` in headless Chromium: the page's text after loading, and the messages the
/// page wrote to its console (script errors, refused content).
fn browse(
    browser: &str,
    url: &str,
    profile: &Path,
    screenshot: Option<&Path>,
) -> (String, Vec<String>) {
    let mut command = assert_cmd::Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args([
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1000,1400",
        ])
        .timeout(Duration::from_secs(90));
    match screenshot {
        Some(path) => command.arg(format!("--screenshot={}", path.display())),
        None => command.arg("--dump-dom"),
    };
    let output = command.arg(url).output().unwrap();
    assert!(
        output.status.success(),
        "chromium {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    )
}

#[test]
fn a_real_browser_loads_the_report_and_the_dashboard_without_console_errors() {
    let Some(browser) = chromium() else { return };
    let (dir, db) = demo();
    let profile = dir.path().join("profile");
    // The console is read: a page with a script error is caught.
    let broken = dir.path().join("broken.html");
    std::fs::write(
        &broken,
        "<html><body><script>nonexistent()</script></body></html>",
    )
    .unwrap();
    let (_, console) = browse(
        browser,
        &format!("file://{}", broken.display()),
        &profile,
        None,
    );
    assert!(
        console.iter().any(|line| line.contains("nonexistent")),
        "{console:?}"
    );

    let report = dir.path().join("report.html");
    isu_ok(
        &db,
        &[
            "--as-of",
            "2017-06-27",
            "report",
            "2017",
            "--out",
            report.to_str().unwrap(),
        ],
    );
    let server = start(&db, &[]);
    for (url, shot) in [
        (format!("file://{}", report.display()), "report.png"),
        (
            format!("http://{}/?year=2017", server.address),
            "dashboard.png",
        ),
    ] {
        let (dom, console) = browse(browser, &url, &profile, None);
        assert!(console.is_empty(), "{url}: {console:?}");
        let text = decode(&dom);
        for figure in [
            "CHF 459'000.00",
            "CHF 311'922.54",
            "68.0%",
            "34 of 100",
            "CHF 147'077.46",
        ] {
            assert!(text.contains(figure), "{url}: no {figure}");
        }
        let path = dir.path().join(shot);
        let (_, console) = browse(browser, &url, &profile, Some(&path));
        assert!(console.is_empty(), "{url}: {console:?}");
        let png = std::fs::read(&path).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "{shot}: {} bytes",
            png.len()
        );
    }
}
