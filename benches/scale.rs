//! Scale benchmark: do the reports stay flat as the ledger's history grows, how fast is a
//! bulk import, and how do hledger, ledger and rustledger compare on the same books?
//!
//! For each ledger size N (default 10'000 and 100'000 entries; `ISU_BENCH_SIZES` changes
//! the list, e.g. `ISU_BENCH_SIZES=10000,100000,1000000`) this builds a deterministic
//! 20-year ledger in a temporary directory with the release binary under test: 150 States
//! (the first 150 independent States of `data/country-codes.csv`), budgets for the 20 years
//! 2007-2026 with a `staff` and a `communication` line, each assessed in equal shares
//! (`assess YEAR --method equal`), and N entries: CHF contributions from the States paying
//! their receivable (80%) and meeting payments in USD converted to CHF (5%, two rows each),
//! written to one CSV file and recorded with one `import`; translation and staff costs (15%)
//! written to another and recorded with `cost import --allow-deficit`, each against its
//! line. Then 2'000 payments of the last year, a quarter naming no year, are recorded with
//! `contribution import` (the rule applies them to the years owed). Where `sqlite3` is
//! installed, its `.import` of the same CSV into a table of its own is timed beside
//! `import`. It times the set-up commands once, then runs each report command R times as a
//! whole process (R = 15 for `status` and `outstanding`, 5 for the others; `ISU_BENCH_RUNS`
//! overrides both), times the dashboard of `serve` (`GET /?year=2017&as_of=2017-06-30`, 9
//! requests after one to warm up) and prints a Markdown table of median and minimum wall
//! time and peak resident memory. `outstanding` is timed only when the binary has it
//! (`isu-ledger outstanding --help` succeeds).
//!
//! It then exports the ledger (`export --format ledger` and `--format beancount`, each
//! timed once), and where `hledger`, `ledger` or `rledger` (rustledger) are installed it
//! times their balance report (and `hledger check`, `rledger check`) on the exported file
//! and prints each median as a ratio to `isu-ledger balance`. The tools run at sizes up to
//! `ISU_BENCH_TOOLS_MAX` entries (default 100'000: hledger needs minutes and gigabytes for
//! a million transactions).
//!
//! It also times `status 2017 --as-of 2017-06-27` on the demo ledger.
//!
//! `ISU_BENCH_KEEP=1` keeps the temporary directory (ledgers and CSV files) for inspection.
//!
//! Nothing is asserted about timings; the bench panics only when a command fails.
//!
//! Run with `cargo bench --bench scale`.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test, built by cargo in the bench profile.
const BIN: &str = env!("CARGO_BIN_EXE_isu-ledger");
const COUNTRY_CODES_CSV: &str = include_str!("../data/country-codes.csv");

const PARTY_COUNT: usize = 150;
const FIRST_YEAR: i32 = 2007;
const LAST_YEAR: i32 = 2026;
const DEFAULT_SIZES: [usize; 2] = [10_000, 100_000];
/// The largest ledger the external tools are run on, unless `ISU_BENCH_TOOLS_MAX` says.
const TOOLS_MAX_DEFAULT: usize = 100_000;
/// Runs of each external tool's command.
const TOOL_RUNS: usize = 3;
const STATUS_RUNS: usize = 15;
const OTHER_RUNS: usize = 5;
/// The fixed seed of the generator: the same sizes give the same ledgers on every run.
const SEED: u64 = 0x1502_2017_0627_0001;
/// Minor units (centimes) in a franc.
const CENTIMES: u64 = 100;
/// About what a year's generated contributions add up to, in CHF.
const YEAR_TOTAL_CHF: u64 = 600_000;
/// Payments recorded with `contribution import` into each ledger once it is built.
const PAYMENTS: usize = 2_000;
/// SQLite's command-line shell, whose `.import` the generic `import` is compared with.
const SQLITE3: &str = "sqlite3";
/// Requests of the web dashboard timed, after one to warm up.
const DASHBOARD_REQUESTS: usize = 9;
/// Target: `status` at the largest size within this factor of `status` at the smallest.
const STATUS_TARGET_RATIO: f64 = 1.5;

/// splitmix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough for test data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }
}

/// One finished run of the binary.
struct Run {
    wall: Duration,
    /// Peak resident set size of the child, KiB (`ru_maxrss` on Linux).
    max_rss_kib: i64,
}

/// The runs of one command on one ledger.
struct Measurement {
    size: String,
    command: String,
    runs: Vec<Run>,
}

impl Measurement {
    fn median_ms(&self) -> f64 {
        let mut ms: Vec<f64> = self.runs.iter().map(|r| millis(r.wall)).collect();
        ms.sort_by(f64::total_cmp);
        let n = ms.len();
        if n % 2 == 1 {
            ms[n / 2]
        } else {
            (ms[n / 2 - 1] + ms[n / 2]) / 2.0
        }
    }

    fn min_ms(&self) -> f64 {
        self.runs
            .iter()
            .map(|r| millis(r.wall))
            .fold(f64::INFINITY, f64::min)
    }

    fn peak_mib(&self) -> f64 {
        mib(self.runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0))
    }
}

/// A set-up step timed once (or a sum of one-shot runs).
struct Step {
    size: String,
    step: String,
    seconds: f64,
    rows_per_second: Option<f64>,
    peak_mib: f64,
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn mib(kib: i64) -> f64 {
    kib as f64 / 1024.0
}

/// Set in the environment of the bench's own copy that starts one command (see
/// `trampoline`); its value is the file where that copy writes what it measured.
const TRAMPOLINE_ENV: &str = "ISU_BENCH_TRAMPOLINE_REPORT";
/// Set beside `TRAMPOLINE_ENV` to the program the trampoline starts (default: `BIN`).
const PROGRAM_ENV: &str = "ISU_BENCH_PROGRAM";

/// Runs the binary with `args` as a whole process, its output captured to files in
/// `work`, and measures its wall time and peak memory. Panics, printing its stderr, if
/// the command fails.
///
/// The command is started through a fresh copy of this bench (`trampoline`), not directly:
/// Linux charges a child's `ru_maxrss` with the peak resident memory of the process that
/// spawned it (the memory it shared until `exec`), and this process holds the generated
/// rows. The fresh copy is small, so the figure is the command's own.
fn run(work: &Path, args: &[&str]) -> Run {
    run_program(work, BIN, args)
}

/// Runs any program as `run` runs the binary.
fn run_program(work: &Path, program: &str, args: &[&str]) -> Run {
    let stdout_path = work.join("last.stdout");
    let stderr_path = work.join("last.stderr");
    let report_path = work.join("last.run");
    let stdout = File::create(&stdout_path).expect("create stdout capture file");
    let stderr = File::create(&stderr_path).expect("create stderr capture file");
    let _ = fs::remove_file(&report_path);
    let bench = std::env::current_exe().expect("the bench's own path");
    let status = Command::new(bench)
        .args(args)
        .env(TRAMPOLINE_ENV, &report_path)
        .env(PROGRAM_ENV, program)
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(stderr))
        .status()
        .unwrap_or_else(|e| panic!("cannot start the bench trampoline: {e}"));
    let fail = |why: String| -> ! {
        let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
        let stdout = fs::read_to_string(&stdout_path).unwrap_or_default();
        panic!(
            "`{program} {}` failed ({why})\n--- stderr ---\n{stderr}\n--- stdout (start) ---\n{}",
            args.join(" "),
            stdout.chars().take(2000).collect::<String>()
        );
    };
    if !status.success() {
        fail(format!("the trampoline ended with {status}"));
    }
    let report = fs::read_to_string(&report_path).unwrap_or_default();
    let fields: Vec<i64> = report
        .split_whitespace()
        .map(|f| f.parse().expect("trampoline report holds numbers"))
        .collect();
    let [wall_ns, max_rss_kib, wait_status] = fields[..] else {
        fail(format!("unreadable trampoline report '{report}'"));
    };
    let wait_status = wait_status as libc::c_int;
    if !(libc::WIFEXITED(wait_status) && libc::WEXITSTATUS(wait_status) == 0) {
        fail(if libc::WIFEXITED(wait_status) {
            format!("exit code {}", libc::WEXITSTATUS(wait_status))
        } else {
            format!("wait status {wait_status}")
        });
    }
    Run {
        wall: Duration::from_nanos(wall_ns as u64),
        max_rss_kib,
    }
}

/// The bench's copy that starts one command: spawns the binary with this process's
/// arguments and standard streams, waits for it with `wait4`, and writes the wall time
/// (ns), the child's `ru_maxrss` (KiB) and its wait status to `report`.
fn trampoline(report: &Path) {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let program = std::env::var_os(PROGRAM_ENV).unwrap_or_else(|| BIN.into());
    let started = Instant::now();
    let child = Command::new(&program)
        .args(&args)
        .env_remove(TRAMPOLINE_ENV)
        .env_remove(PROGRAM_ENV)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.to_string_lossy()));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped; the pointers are valid.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            panic!("wait4 on {} failed: {error}", program.to_string_lossy());
        }
    }
    let wall = started.elapsed();
    // The child is reaped; dropping the handle neither waits nor kills.
    drop(child);
    fs::write(
        report,
        format!("{} {} {status}\n", wall.as_nanos(), usage.ru_maxrss),
    )
    .expect("write the trampoline report");
}

/// Runs a report command once to warm the page cache, then `runs` times measured.
fn measure(work: &Path, size: &str, label: &str, args: &[&str], runs: usize) -> Measurement {
    measure_program(work, BIN, size, label, args, runs)
}

/// `measure` for any program.
fn measure_program(
    work: &Path,
    program: &str,
    size: &str,
    label: &str,
    args: &[&str],
    runs: usize,
) -> Measurement {
    eprintln!("  {size}: {label} x{runs}");
    run_program(work, program, args);
    Measurement {
        size: size.to_string(),
        command: label.to_string(),
        runs: (0..runs)
            .map(|_| run_program(work, program, args))
            .collect(),
    }
}

/// How the dashboard's requests are labelled.
const DASHBOARD_LABEL: &str = "serve: GET /?year=2017&as_of=2017-06-30";

/// Starts `serve` on a free port of loopback and times `GET /` with `year` and `as_of`
/// (the dashboard), one request to warm up, then `requests` measured, each on its own
/// connection. The peak memory is the server's (`VmHWM`) after the last request.
fn measure_dashboard(
    db: &str,
    size: &str,
    (year, as_of): (i32, &str),
    requests: usize,
) -> Measurement {
    use std::io::{BufRead, BufReader, Read, Write};
    eprintln!("  {size}: {DASHBOARD_LABEL} x{requests}");
    let mut server = Command::new(BIN)
        .args(["--db", db, "serve", "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start serve: {e}"));
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("serve's stdout"))
        .read_line(&mut line)
        .expect("read serve's first line");
    let Some(address) = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .map(str::to_string)
    else {
        let _ = server.kill();
        panic!("serve printed no address: {line:?}");
    };
    let request = format!(
        "GET /?year={year}&as_of={as_of} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    );
    let get = || -> Duration {
        let started = Instant::now();
        let mut stream = std::net::TcpStream::connect(&address).expect("connect to the dashboard");
        stream
            .write_all(request.as_bytes())
            .expect("send the request");
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .expect("read the response");
        let wall = started.elapsed();
        let head = String::from_utf8_lossy(&response[..response.len().min(200)]).into_owned();
        assert!(
            head.starts_with("HTTP/1.1 200"),
            "dashboard answered {head}"
        );
        wall
    };
    get();
    let walls: Vec<Duration> = (0..requests).map(|_| get()).collect();
    let peak_kib = fs::read_to_string(format!("/proc/{}/status", server.id()))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0);
    let _ = server.kill();
    let _ = server.wait();
    Measurement {
        size: size.to_string(),
        command: DASHBOARD_LABEL.to_string(),
        runs: walls
            .into_iter()
            .map(|wall| Run {
                wall,
                max_rss_kib: peak_kib,
            })
            .collect(),
    }
}

/// Whether `program` runs with `args` (exit 0), its output ignored.
fn runs_ok(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A State of the country table: code and English name.
struct State {
    code: String,
    name: String,
}

/// The first `count` independent States of `data/country-codes.csv`, in file order.
fn states(count: usize) -> Vec<State> {
    let mut reader = csv::Reader::from_reader(COUNTRY_CODES_CSV.as_bytes());
    let headers = reader.headers().expect("country table header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("country table has no column {name}"))
    };
    let alpha3 = column("ISO3166-1-Alpha-3");
    let independent = column("is_independent");
    let short_en = column("UNTERM English Short");
    let official_en = column("official_name_en");
    let mut states = Vec::new();
    for record in reader.records() {
        let record = record.expect("country table is valid CSV");
        let code = record.get(alpha3).unwrap_or("").trim();
        if record.get(independent).map(str::trim) != Some("Yes") || code.len() != 3 {
            continue;
        }
        let name = [short_en, official_en]
            .iter()
            .filter_map(|&i| record.get(i))
            .map(|n| n.replace('*', "").trim().to_string())
            .find(|n| !n.is_empty())
            .unwrap_or_else(|| code.to_string());
        states.push(State {
            code: code.to_string(),
            name,
        });
        if states.len() == count {
            break;
        }
    }
    assert_eq!(
        states.len(),
        count,
        "data/country-codes.csv has fewer than {count} States"
    );
    states
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn write_parties(path: &Path, states: &[State], rng: &mut SplitMix64) {
    let mut writer = csv::Writer::from_path(path).expect("create parties CSV");
    writer
        .write_record([
            "code",
            "name",
            "kind",
            "deposited",
            "in_force",
            "address",
            "email",
            "language",
        ])
        .expect("write parties CSV");
    for state in states {
        let year = rng.between(1997, 2006) as i32;
        let month = rng.between(1, 12) as u32;
        let day = rng.between(1, u64::from(days_in_month(year, month))) as u32;
        let language = match rng.below(20) {
            0..=11 => "en",
            12..=16 => "fr",
            _ => "es",
        };
        writer
            .write_record([
                state.code.as_str(),
                state.name.as_str(),
                "state-party",
                &format!("{year:04}-{month:02}-{day:02}"),
                "",
                &format!("Permanent Mission of {}, Geneva", state.name),
                &format!("mission.{}@example.org", state.code.to_ascii_lowercase()),
                language,
            ])
            .expect("write parties CSV");
    }
    writer.flush().expect("write parties CSV");
}

/// The accounts the generated entries post to, apart from the parties' receivables.
const IMPORTED_ACCOUNTS: [&str; 4] = [
    "assets:bank:chf",
    "assets:bank:usd",
    "equity:conversion",
    "income:meetings",
];

/// What an entry of the generated ledger records.
enum EntryShape {
    /// A CHF contribution from a party for its budget year, paying its receivable.
    Contribution { party: usize },
    /// A cost paid from the bank, with no party, recorded with `cost import` against the
    /// budget line of its category.
    Cost { category: &'static str },
    /// A USD payment for a meeting, converted to CHF at a rate: two rows.
    MeetingPayment { party: usize },
}

/// An entry before it is written: sorted by date like a bank statement.
struct GeneratedEntry {
    date: (i32, u32, u32),
    year: i32,
    amount_minor: u64,
    shape: EntryShape,
}

/// Writes `n` entries as `import` rows: budget years uniform over 2007-2026; one
/// contribution in ten paid in December of the year before, every other entry on a day of
/// its budget year; amounts drawn so that a year's contributions add up to about CHF
/// 600'000 (the size of a budget) whatever N; references unique and in date order.
/// Returns the number of rows.
fn write_entries(
    path: &Path,
    costs_path: &Path,
    n: usize,
    parties: &[State],
    rng: &mut SplitMix64,
) -> (usize, usize) {
    let years = (LAST_YEAR - FIRST_YEAR + 1) as u64;
    let mean_minor = (YEAR_TOTAL_CHF * CENTIMES * years / n as u64).max(CENTIMES);
    let (low, high) = (
        (mean_minor / 50).max(CENTIMES),
        mean_minor * 2 - mean_minor / 50,
    );
    let mut entries: Vec<GeneratedEntry> = (0..n)
        .map(|_| {
            let year = FIRST_YEAR + rng.below(years) as i32;
            let party = rng.below(parties.len() as u64) as usize;
            let shape = match rng.below(20) {
                0..=15 => EntryShape::Contribution { party },
                16..=18 => EntryShape::Cost {
                    category: if rng.below(2) == 0 {
                        "translation"
                    } else {
                        "staff"
                    },
                },
                _ => EntryShape::MeetingPayment { party },
            };
            let prepaid = matches!(shape, EntryShape::Contribution { .. }) && rng.below(10) == 0;
            let date = if prepaid {
                (year - 1, 12, rng.between(1, 31) as u32)
            } else {
                let month = rng.between(1, 12) as u32;
                let day = rng.between(1, u64::from(days_in_month(year, month))) as u32;
                (year, month, day)
            };
            GeneratedEntry {
                date,
                year,
                amount_minor: rng.between(low, high),
                shape,
            }
        })
        .collect();
    entries.sort_by_key(|e| e.date);
    let mut writer = csv::Writer::from_path(path).expect("create entries CSV");
    writer
        .write_record([
            "date",
            "description",
            "debit",
            "credit",
            "amount",
            "currency",
            "year",
            "fund",
            "party",
            "ref",
        ])
        .expect("write entries CSV");
    let mut costs = csv::Writer::from_path(costs_path).expect("create costs CSV");
    costs
        .write_record(["date", "category", "amount", "year", "ref"])
        .expect("write costs CSV");
    let money = |minor: u64| format!("{}.{:02}", minor / 100, minor % 100);
    let mut rows = 0;
    let mut cost_rows = 0;
    for (index, entry) in entries.iter().enumerate() {
        let (y, m, d) = entry.date;
        let date = format!("{y:04}-{m:02}-{d:02}");
        let year = entry.year.to_string();
        let reference = format!("BENCH-{y:04}{m:02}{d:02}-{:07}", index + 1);
        let mut row = |description: &str,
                       debit: &str,
                       credit: &str,
                       minor: u64,
                       currency: &str,
                       fund: &str,
                       party: &str| {
            writer
                .write_record([
                    date.as_str(),
                    description,
                    debit,
                    credit,
                    &money(minor),
                    currency,
                    &year,
                    fund,
                    party,
                    &reference,
                ])
                .expect("write entries CSV");
            rows += 1;
        };
        match entry.shape {
            EntryShape::Contribution { party } => row(
                &format!("Contribution from {} for {year}", parties[party].name),
                "assets:bank:chf",
                &format!("assets:receivable:contributions:{}", parties[party].code),
                entry.amount_minor,
                "CHF",
                "isu",
                &parties[party].code,
            ),
            EntryShape::Cost { category } => {
                costs
                    .write_record([
                        date.as_str(),
                        category,
                        &money(entry.amount_minor),
                        &year,
                        &reference,
                    ])
                    .expect("write costs CSV");
                cost_rows += 1;
            }
            EntryShape::MeetingPayment { party } => {
                let description = format!("Meeting costs paid by {}", parties[party].name);
                // USD at 0.9000 to 0.9999 CHF.
                let rate_ten_thousandths = 9_000 + entry.amount_minor % 1_000;
                let chf = (entry.amount_minor * rate_ten_thousandths + 5_000) / 10_000;
                let code = &parties[party].code;
                row(
                    &description,
                    "assets:bank:usd",
                    "equity:conversion",
                    entry.amount_minor,
                    "USD",
                    "meetings",
                    code,
                );
                row(
                    &description,
                    "equity:conversion",
                    "income:meetings",
                    chf.max(1),
                    "CHF",
                    "meetings",
                    code,
                );
            }
        }
    }
    writer.flush().expect("write entries CSV");
    costs.flush().expect("write costs CSV");
    (rows, cost_rows)
}

/// Writes `count` payments for `contribution import`, dated in the last year in date order
/// after every generated entry: random States, amounts of about a tenth of a year's
/// share, one in four naming no year (it settles the oldest year owed), the others naming
/// a random year. Returns the number of rows.
fn write_payments(path: &Path, count: usize, parties: &[State], rng: &mut SplitMix64) -> usize {
    let mut rows: Vec<((u32, u32), String, u64, String)> = (0..count)
        .map(|_| {
            let month = rng.between(1, 11) as u32;
            let day = rng.between(1, u64::from(days_in_month(LAST_YEAR, month))) as u32;
            let party = &parties[rng.below(parties.len() as u64) as usize];
            let share = YEAR_TOTAL_CHF * CENTIMES / parties.len() as u64;
            let year = if rng.below(4) == 0 {
                String::new()
            } else {
                (FIRST_YEAR + rng.below((LAST_YEAR - FIRST_YEAR + 1) as u64) as i32).to_string()
            };
            (
                (month, day),
                party.code.clone(),
                rng.between(share / 20, share / 5),
                year,
            )
        })
        .collect();
    rows.sort_by_key(|row| row.0);
    let mut writer = csv::Writer::from_path(path).expect("create payments CSV");
    writer
        .write_record(["date", "party", "amount", "currency", "year", "ref"])
        .expect("write payments CSV");
    for (index, ((month, day), party, minor, year)) in rows.iter().enumerate() {
        writer
            .write_record([
                format!("{LAST_YEAR:04}-{month:02}-{day:02}").as_str(),
                party,
                &format!("{}.{:02}", minor / 100, minor % 100),
                "CHF",
                year,
                &format!("PAY-{:06}", index + 1),
            ])
            .expect("write payments CSV");
    }
    writer.flush().expect("write payments CSV");
    rows.len()
}

/// `1'000`, `100'000`: sizes as the Swiss write them.
fn swiss(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\'');
        }
        out.push(c);
    }
    out
}

fn env_list(name: &str) -> Option<Vec<usize>> {
    let text = std::env::var(name).ok()?;
    let values: Vec<usize> = text
        .split(',')
        .map(|s| s.trim().replace(['_', '\''], ""))
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .unwrap_or_else(|_| panic!("{name}: '{s}' is not a number"))
        })
        .collect();
    if values.is_empty() || values.contains(&0) {
        panic!("{name} must list positive numbers, e.g. 1000,100000");
    }
    Some(values)
}

/// Builds the ledger of `n` contributions in `dir`, timing each set-up step.
fn build_ledger(
    dir: &Path,
    n: usize,
    parties: &[State],
    steps: &mut Vec<Step>,
) -> (PathBuf, String) {
    let size = swiss(n);
    let db = dir.join(format!("ledger-{n}.sqlite"));
    let db_arg = db.to_str().expect("temp path is UTF-8").to_string();
    let parties_csv = dir.join("parties.csv");
    let entries_csv = dir.join(format!("entries-{n}.csv"));
    let costs_csv = dir.join(format!("costs-{n}.csv"));
    let payments_csv = dir.join(format!("payments-{n}.csv"));
    let mut rng = SplitMix64(SEED ^ n as u64);
    write_parties(&parties_csv, parties, &mut rng);
    let (rows, cost_rows) = write_entries(&entries_csv, &costs_csv, n, parties, &mut rng);
    let payment_rows = write_payments(&payments_csv, PAYMENTS, parties, &mut rng);

    let mut step = |name: String, runs: Vec<Run>, rows: Option<usize>| {
        let seconds: f64 = runs.iter().map(|r| r.wall.as_secs_f64()).sum();
        let peak = runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0);
        steps.push(Step {
            size: size.clone(),
            step: name,
            seconds,
            rows_per_second: rows.map(|rows| rows as f64 / seconds),
            peak_mib: mib(peak),
        });
    };

    eprintln!(
        "  {size}: init, party import, budget set x20, assess x20, account add, import, \
         cost import, contribution import"
    );
    // The generated ledger runs from 2007, before the convention's own entry into force
    // (2010-08-01 for the CCM): its parties come into force by the deposit rule alone.
    step(
        "init".into(),
        vec![run(
            dir,
            &[
                "--db",
                &db_arg,
                "init",
                "--set",
                "convention_in_force=2000-01-01",
            ],
        )],
        None,
    );
    let parties_arg = parties_csv.to_str().expect("temp path is UTF-8");
    step(
        format!("party import ({} rows)", parties.len()),
        vec![run(dir, &["--db", &db_arg, "party", "import", parties_arg])],
        Some(parties.len()),
    );
    let mut budget_rng = SplitMix64(SEED.rotate_left(17));
    let budgets: Vec<Run> = (FIRST_YEAR..=LAST_YEAR)
        .map(|year| {
            let total = budget_rng.between(400_000, 900_000);
            let approved_on = format!("{}-09-{:02}", year - 1, budget_rng.between(1, 30));
            // The lines the costs count against: staff, and communication (translation).
            let staff = total * 3 / 5;
            run(
                dir,
                &[
                    "--db",
                    &db_arg,
                    "budget",
                    "set",
                    &year.to_string(),
                    "--total",
                    &format!("{total}.00"),
                    "--approved-on",
                    &approved_on,
                    "--line",
                    &format!("staff={staff}.00"),
                    "--line",
                    &format!("communication={}.00", total - staff),
                ],
            )
        })
        .collect();
    step(format!("budget set x{}", budgets.len()), budgets, None);
    let assessments: Vec<Run> = (FIRST_YEAR..=LAST_YEAR)
        .map(|year| {
            run(
                dir,
                &[
                    "--db",
                    &db_arg,
                    "assess",
                    &year.to_string(),
                    "--method",
                    "equal",
                    "--date",
                    &format!("{year}-01-15"),
                ],
            )
        })
        .collect();
    step(
        format!("assess x{} (equal shares)", assessments.len()),
        assessments,
        None,
    );
    // `import` posts only to open accounts: the receivables were opened by `assess`, the
    // others are declared here.
    let declared: Vec<Run> = IMPORTED_ACCOUNTS
        .iter()
        .map(|account| run(dir, &["--db", &db_arg, "account", "add", account]))
        .collect();
    step(format!("account add x{}", declared.len()), declared, None);
    let entries_arg = entries_csv.to_str().expect("temp path is UTF-8");
    step(
        format!("import ({} rows)", swiss(rows)),
        vec![run(dir, &["--db", &db_arg, "import", entries_arg])],
        Some(rows),
    );
    if runs_ok(SQLITE3, &["-version"]) {
        // The same rows into a table of text columns, by SQLite's own shell.
        let plain = dir.join(format!("sqlite3-import-{n}.sqlite"));
        let _ = fs::remove_file(&plain);
        let plain = plain.to_str().expect("temp path is UTF-8");
        let command = format!(".import --csv {entries_arg} entries");
        step(
            format!("sqlite3 .import of the same CSV ({} rows)", swiss(rows)),
            vec![run_program(dir, SQLITE3, &[plain, &command])],
            Some(rows),
        );
    } else {
        eprintln!("  note: sqlite3 is not installed; `import` is not compared with its .import");
    }
    // The costs, against the lines of their year's budget. With --allow-deficit: the
    // generated costs are not matched to the money received before them.
    let costs_arg = costs_csv.to_str().expect("temp path is UTF-8");
    step(
        format!("cost import --allow-deficit ({} rows)", swiss(cost_rows)),
        vec![run(
            dir,
            &[
                "--db",
                &db_arg,
                "cost",
                "import",
                costs_arg,
                "--allow-deficit",
            ],
        )],
        Some(cost_rows),
    );
    let payments_arg = payments_csv.to_str().expect("temp path is UTF-8");
    step(
        format!("contribution import ({} rows)", swiss(payment_rows)),
        vec![run(
            dir,
            &["--db", &db_arg, "contribution", "import", payments_arg],
        )],
        Some(payment_rows),
    );
    for (format, extension) in [("ledger", "journal"), ("beancount", "beancount")] {
        let out = dir.join(format!("ledger-{n}.{extension}"));
        let out = out.to_str().expect("temp path is UTF-8");
        step(
            format!("export --format {format}"),
            vec![run(
                dir,
                &["--db", &db_arg, "--format", format, "export", "--out", out],
            )],
            None,
        );
    }
    (db, size)
}

fn file_mib(path: &Path) -> f64 {
    let mut bytes = fs::metadata(path).map_or(0, |m| m.len());
    for suffix in ["-wal", "-shm"] {
        let mut other = path.as_os_str().to_owned();
        other.push(suffix);
        bytes += fs::metadata(PathBuf::from(other)).map_or(0, |m| m.len());
    }
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    if let Some(report) = std::env::var_os(TRAMPOLINE_ENV) {
        trampoline(Path::new(&report));
        return;
    }
    let sizes = env_list("ISU_BENCH_SIZES").unwrap_or_else(|| DEFAULT_SIZES.to_vec());
    let (status_runs, other_runs) = match env_list("ISU_BENCH_RUNS") {
        Some(runs) => (runs[0], runs[0]),
        None => (STATUS_RUNS, OTHER_RUNS),
    };
    let temp = tempfile::Builder::new()
        .prefix("isu-bench-")
        .tempdir()
        .expect("create a temporary directory");
    let dir = temp.path();
    eprintln!("isu-ledger scale bench: {BIN}");
    eprintln!("  work directory {}", dir.display());
    let parties = states(PARTY_COUNT);
    let tools_max = env_list("ISU_BENCH_TOOLS_MAX").map_or(TOOLS_MAX_DEFAULT, |v| v[0]);
    let has_outstanding = runs_ok(BIN, &["outstanding", "--help"]);
    if !has_outstanding {
        eprintln!("  note: this isu-ledger has no `outstanding` command; it is not timed");
    }
    // The external tools found, with the commands timed on the exported file: the label,
    // then the arguments before and after the file name.
    type ToolCommand = (
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    );
    let tool_commands: [(&str, &str, ToolCommand); 5] = [
        (
            "hledger",
            "journal",
            ("hledger balance", &["-f"], &["balance"]),
        ),
        ("hledger", "journal", ("hledger check", &["-f"], &["check"])),
        (
            "ledger",
            "journal",
            ("ledger balance", &["-f"], &["balance"]),
        ),
        ("rledger", "beancount", ("rledger check", &["check"], &[])),
        ("bean-check", "beancount", ("bean-check", &[], &[])),
    ];
    let tools: Vec<(&str, &str, ToolCommand)> = tool_commands
        .into_iter()
        .filter(|(program, _, _)| {
            let found = runs_ok(program, &["--version"]) || runs_ok(program, &["--help"]);
            if !found {
                eprintln!("  note: {program} is not installed; it is not timed");
            }
            found
        })
        .collect();
    let started = Instant::now();

    let mut steps = Vec::new();
    let mut measurements = Vec::new();
    let mut files = Vec::new();
    let mut tool_ratios: Vec<(String, String, f64)> = Vec::new();
    for &n in &sizes {
        let (db, size) = build_ledger(dir, n, &parties, &mut steps);
        files.push((size.clone(), file_mib(&db)));
        let db = db.to_str().expect("temp path is UTF-8");
        let mut reports: Vec<(&str, Vec<&str>, usize)> = vec![
            (
                "status 2017 --as-of 2017-12-31",
                vec!["--db", db, "--as-of", "2017-12-31", "status", "2017"],
                status_runs,
            ),
            (
                "status 2017 --as-of 2017-06-30",
                vec!["--db", db, "--as-of", "2017-06-30", "status", "2017"],
                status_runs,
            ),
            (
                "status 2026",
                vec!["--db", db, "status", "2026"],
                status_runs,
            ),
            ("balance", vec!["--db", db, "balance"], other_runs),
            ("verify", vec!["--db", db, "verify"], other_runs),
        ];
        if has_outstanding {
            reports.splice(
                3..3,
                [
                    (
                        "outstanding 2017 --as-of 2017-12-31",
                        vec!["--db", db, "--as-of", "2017-12-31", "outstanding", "2017"],
                        status_runs,
                    ),
                    (
                        "outstanding 2017 --as-of 2017-06-30",
                        vec!["--db", db, "--as-of", "2017-06-30", "outstanding", "2017"],
                        status_runs,
                    ),
                    (
                        "outstanding 2026",
                        vec!["--db", db, "outstanding", "2026"],
                        status_runs,
                    ),
                ],
            );
        }
        for (label, args, runs) in reports {
            measurements.push(measure(dir, &size, label, &args, runs));
        }
        measurements.push(measure_dashboard(
            db,
            &size,
            (2017, "2017-06-30"),
            DASHBOARD_REQUESTS,
        ));
        if n <= tools_max {
            let ours = measurements
                .iter()
                .find(|m| m.size == size && m.command == "balance")
                .map(Measurement::median_ms)
                .expect("balance was measured");
            for (program, extension, (label, before, after)) in &tools {
                let file = format!("{}.{extension}", db.trim_end_matches(".sqlite"));
                let mut args: Vec<&str> = before.to_vec();
                args.push(&file);
                args.extend(after.iter());
                let measured = measure_program(dir, program, &size, label, &args, TOOL_RUNS);
                tool_ratios.push((size.clone(), label.to_string(), measured.median_ms() / ours));
                measurements.push(measured);
            }
        }
    }

    let demo = dir.join("demo.sqlite");
    let demo = demo.to_str().expect("temp path is UTF-8");
    eprintln!("  demo: demo, status 2017 --as-of 2017-06-27");
    run(dir, &["--db", demo, "demo"]);
    measurements.push(measure(
        dir,
        "demo",
        "status 2017 --as-of 2017-06-27",
        &["--db", demo, "--as-of", "2017-06-27", "status", "2017"],
        status_runs,
    ));
    let total = started.elapsed();

    let mut out = String::new();
    writeln!(out).unwrap();
    writeln!(out, "### Set-up (each step timed once, whole processes)").unwrap();
    writeln!(out).unwrap();
    writeln!(out, "| entries | step | seconds | rows/s | peak MiB |").unwrap();
    writeln!(out, "|--------:|------|--------:|-------:|---------:|").unwrap();
    for step in &steps {
        let rate = step
            .rows_per_second
            .map_or(String::new(), |r| swiss(r.round() as usize));
        writeln!(
            out,
            "| {} | {} | {:.3} | {} | {:.1} |",
            step.size, step.step, step.seconds, rate, step.peak_mib
        )
        .unwrap();
    }
    writeln!(out).unwrap();
    for (size, mib) in &files {
        writeln!(
            out,
            "Ledger file at {size} entries: {mib:.1} MiB (with WAL)."
        )
        .unwrap();
    }
    writeln!(out).unwrap();
    writeln!(
        out,
        "### Reports (whole processes; one warm-up run, then `runs` measured)"
    )
    .unwrap();
    writeln!(out).unwrap();
    writeln!(
        out,
        "| entries | command | runs | median ms | min ms | peak MiB |"
    )
    .unwrap();
    writeln!(
        out,
        "|--------:|---------|-----:|----------:|-------:|---------:|"
    )
    .unwrap();
    for m in &measurements {
        writeln!(
            out,
            "| {} | `{}` | {} | {:.1} | {:.1} | {:.1} |",
            m.size,
            m.command,
            m.runs.len(),
            m.median_ms(),
            m.min_ms(),
            m.peak_mib()
        )
        .unwrap();
    }
    writeln!(out).unwrap();
    let smallest = sizes.iter().min().copied().map(swiss);
    let largest = sizes.iter().max().copied().map(swiss);
    if let (Some(smallest), Some(largest)) = (smallest, largest) {
        if smallest != largest {
            for command in [
                "status 2017 --as-of 2017-12-31",
                "status 2017 --as-of 2017-06-30",
                "status 2026",
                "outstanding 2017 --as-of 2017-12-31",
                "outstanding 2017 --as-of 2017-06-30",
                "outstanding 2026",
                DASHBOARD_LABEL,
            ] {
                let median = |size: &str| {
                    measurements
                        .iter()
                        .find(|m| m.size == size && m.command == command)
                        .map(Measurement::median_ms)
                };
                if let (Some(small), Some(large)) = (median(&smallest), median(&largest)) {
                    let ratio = large / small;
                    writeln!(
                        out,
                        "`{command}`: median at {largest} entries / median at {smallest} = \
                         {ratio:.2}x (target: within {STATUS_TARGET_RATIO}x: {})",
                        if ratio <= STATUS_TARGET_RATIO {
                            "met"
                        } else {
                            "NOT met"
                        }
                    )
                    .unwrap();
                    writeln!(out).unwrap();
                }
            }
        }
    }
    if !tool_ratios.is_empty() {
        writeln!(
            out,
            "### Other tools on the exported ledger (median / median of `isu-ledger balance`)"
        )
        .unwrap();
        writeln!(out).unwrap();
        writeln!(out, "| entries | command | ratio |").unwrap();
        writeln!(out, "|--------:|---------|------:|").unwrap();
        for (size, label, ratio) in &tool_ratios {
            writeln!(out, "| {size} | `{label}` | {ratio:.0}x |").unwrap();
        }
        writeln!(out).unwrap();
    }
    writeln!(out, "Total bench time: {:.1} s", total.as_secs_f64()).unwrap();
    print!("{out}");
    if std::env::var_os("ISU_BENCH_KEEP").is_some() {
        eprintln!("kept the ledgers in {}", temp.keep().display());
    }
}
