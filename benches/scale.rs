//! Scale benchmark: does `status` stay flat as the ledger's history grows?
//!
//! For each ledger size N (default 1'000 and 100'000 contributions; `ISU_BENCH_SIZES`
//! changes the list, e.g. `ISU_BENCH_SIZES=1000,100000,1000000`) this builds a
//! deterministic ledger in a temporary directory with the release binary under test:
//! 150 States (the first 150 independent States of `data/country-codes.csv`), budgets
//! for the 20 years 2007-2026, and N CHF contributions spread over those years, each with
//! a unique reference. It times the set-up commands once, then runs each report command
//! R times as a whole process (R = 15 for `status`, 5 for the others; `ISU_BENCH_RUNS`
//! overrides both) and prints a Markdown table of median and minimum wall time and peak
//! resident memory. It also times `status 2017 --as-of 2017-06-27` on the demo ledger.
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
const DEFAULT_SIZES: [usize; 2] = [1_000, 100_000];
const STATUS_RUNS: usize = 15;
const OTHER_RUNS: usize = 5;
/// The fixed seed of the generator: the same sizes give the same ledgers on every run.
const SEED: u64 = 0x1502_2017_0627_0001;
/// Minor units (centimes) in a franc.
const CENTIMES: u64 = 100;
/// About what a year's generated contributions add up to, in CHF.
const YEAR_TOTAL_CHF: u64 = 600_000;
/// Target: `status` at 100'000 entries within this factor of `status` at 1'000.
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

/// Runs the binary with `args` as a whole process, its output captured to files in
/// `work`, and measures its wall time and peak memory. Panics, printing its stderr, if
/// the command fails.
///
/// The command is started through a fresh copy of this bench (`trampoline`), not directly:
/// Linux charges a child's `ru_maxrss` with the peak resident memory of the process that
/// spawned it (the memory it shared until `exec`), and this process holds the generated
/// rows. The fresh copy is small, so the figure is the command's own.
fn run(work: &Path, args: &[&str]) -> Run {
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
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(stderr))
        .status()
        .unwrap_or_else(|e| panic!("cannot start the bench trampoline: {e}"));
    let fail = |why: String| -> ! {
        let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
        let stdout = fs::read_to_string(&stdout_path).unwrap_or_default();
        panic!(
            "`isu-ledger {}` failed ({why})\n--- stderr ---\n{stderr}\n--- stdout (start) ---\n{}",
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
    let started = Instant::now();
    let child = Command::new(BIN)
        .args(&args)
        .env_remove(TRAMPOLINE_ENV)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
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
            panic!("wait4 on {BIN} failed: {error}");
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
    eprintln!("  {size}: {label} x{runs}");
    run(work, args);
    Measurement {
        size: size.to_string(),
        command: label.to_string(),
        runs: (0..runs).map(|_| run(work, args)).collect(),
    }
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

/// A contribution row before it is written: sorted by date like a bank statement.
struct Contribution {
    date: (i32, u32, u32),
    party: usize,
    amount_minor: u64,
    year: i32,
}

/// Writes `n` contributions: budget years uniform over 2007-2026, one in ten paid in
/// December of the year before, the rest on a day of the budget year; CHF amounts with
/// centimes, drawn so that a year's contributions add up to about CHF 600'000 (the size
/// of a budget) whatever N; references unique and in date order.
fn write_contributions(path: &Path, n: usize, parties: &[State], rng: &mut SplitMix64) {
    let years = (LAST_YEAR - FIRST_YEAR + 1) as u64;
    let mean_minor = (YEAR_TOTAL_CHF * CENTIMES * years / n as u64).max(CENTIMES);
    let (low, high) = (
        (mean_minor / 50).max(CENTIMES),
        mean_minor * 2 - mean_minor / 50,
    );
    let mut rows: Vec<Contribution> = (0..n)
        .map(|_| {
            let year = FIRST_YEAR + rng.below(years) as i32;
            let date = if rng.below(10) == 0 {
                (year - 1, 12, rng.between(1, 31) as u32)
            } else {
                let month = rng.between(1, 12) as u32;
                let day = rng.between(1, u64::from(days_in_month(year, month))) as u32;
                (year, month, day)
            };
            Contribution {
                date,
                party: rng.below(parties.len() as u64) as usize,
                amount_minor: rng.between(low, high),
                year,
            }
        })
        .collect();
    rows.sort_by_key(|r| r.date);
    let mut writer = csv::Writer::from_path(path).expect("create contributions CSV");
    writer
        .write_record(["date", "party", "amount", "currency", "year", "ref"])
        .expect("write contributions CSV");
    for (index, row) in rows.iter().enumerate() {
        let (y, m, d) = row.date;
        writer
            .write_record([
                format!("{y:04}-{m:02}-{d:02}"),
                parties[row.party].code.clone(),
                format!("{}.{:02}", row.amount_minor / 100, row.amount_minor % 100),
                "CHF".to_string(),
                row.year.to_string(),
                format!("BENCH-{y:04}{m:02}{d:02}-{:07}", index + 1),
            ])
            .expect("write contributions CSV");
    }
    writer.flush().expect("write contributions CSV");
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
    let contributions_csv = dir.join(format!("contributions-{n}.csv"));
    let mut rng = SplitMix64(SEED ^ n as u64);
    write_parties(&parties_csv, parties, &mut rng);
    write_contributions(&contributions_csv, n, parties, &mut rng);

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

    eprintln!("  {size}: init, party import, budget set x20, contribution import");
    step(
        "init".into(),
        vec![run(dir, &["--db", &db_arg, "init"])],
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
                ],
            )
        })
        .collect();
    step(format!("budget set x{}", budgets.len()), budgets, None);
    let contributions_arg = contributions_csv.to_str().expect("temp path is UTF-8");
    step(
        format!("contribution import ({size} rows)"),
        vec![run(
            dir,
            &["--db", &db_arg, "contribution", "import", contributions_arg],
        )],
        Some(n),
    );
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
    let started = Instant::now();

    let mut steps = Vec::new();
    let mut measurements = Vec::new();
    let mut files = Vec::new();
    for &n in &sizes {
        let (db, size) = build_ledger(dir, n, &parties, &mut steps);
        files.push((size.clone(), file_mib(&db)));
        let db = db.to_str().expect("temp path is UTF-8");
        let reports: [(&str, Vec<&str>, usize); 5] = [
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
        for (label, args, runs) in reports {
            measurements.push(measure(dir, &size, label, &args, runs));
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
                         {ratio:.2}x (target: within {STATUS_TARGET_RATIO}x from 1'000 to \
                         100'000 entries: {})",
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
    writeln!(out, "Total bench time: {:.1} s", total.as_secs_f64()).unwrap();
    print!("{out}");
    if std::env::var_os("ISU_BENCH_KEEP").is_some() {
        eprintln!("kept the ledgers in {}", temp.keep().display());
    }
}
