//! Letters a Director can sign and send, through the real binary: the books' identity in
//! settings, each kind of letter in English, French and Spanish (HTML and text, against
//! golden files under `tests/golden/letters/`; run with `UPDATE_GOLDEN=1` to rewrite them
//! after a deliberate change, and review the diff), the folder a run owns, parties kept up
//! to date with dated history, the letters recorded as sent, and a browser's print of a
//! letter on A4.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_golden_letters, count, dump, file_names, isu, isu_ok, refused, setup};
use tempfile::TempDir;

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

fn ok(db: &Path, line: &str) -> String {
    isu_ok(db, &words(line))
}

fn assert_mentions(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
    }
}

/// Fixed settings: the identity every golden letter is written with.
fn set_identity(db: &Path) {
    for (key, value) in [
        ("unit_name", "CCM Implementation Support Unit"),
        ("unit_name.fr", "Unité d'appui à l'application de la CASM"),
        (
            "address",
            "Chemin Eugène-Rigot 2C | 1202 Geneva | Switzerland",
        ),
        ("email", "isu@example.org"),
        ("signatory_name", "A. N. Director"),
        (
            "signatory_title",
            "Director, CCM Implementation Support Unit",
        ),
        (
            "signatory_title.fr",
            "Directrice de l'Unité d'appui à l'application",
        ),
        (
            "signatory_title.es",
            "Directora de la Dependencia de Apoyo a la Aplicación",
        ),
        ("bank_holder", "ISU CCM"),
        ("bank_name", "UBS Switzerland AG, Geneva"),
        ("iban", "CH93 0076 2011 6238 5295 7"),
        ("bic", "UBSWCHZH80A"),
        ("payment_reference", "CCM {year} {party}"),
        ("reference_pattern", "ISU-CCM/{year}/{n:03}"),
    ] {
        isu_ok(db, &["settings", "set", key, value]);
    }
}

/// Germany (English, an address over three lines) pays part of 2017; France (French)
/// pays more than its share and holds a credit; Spain (Spanish) pays nothing. A meeting's
/// costs are shared among the three.
fn ledger() -> (TempDir, PathBuf) {
    let (dir, db) = setup();
    set_identity(&db);
    isu_ok(
        &db,
        &[
            "party",
            "add",
            "DEU",
            "--deposited",
            "2009-07-08",
            "--address",
            "Permanent Mission of Germany, Chemin du Petit-Saconnex 28c, 1209 Geneva",
            "--email",
            "mission@example.de",
        ],
    );
    ok(&db, "party add FRA --deposited 2009-09-25 --language fr");
    ok(&db, "party add ESP --deposited 2009-06-17 --language es");
    ok(
        &db,
        "budget set 2016 --total 100'000 --approved-on 2015-09-01",
    );
    ok(
        &db,
        "budget set 2017 --total 120'000 --approved-on 2016-09-01",
    );
    ok(&db, "assess 2016 --scale un-2016-2018 --date 2015-12-01");
    ok(&db, "assess 2017 --scale un-2016-2018 --date 2016-12-01");
    ok(
        &db,
        "contribution add DEU 60'000 --date 2017-06-12 --ref DE-2017-1",
    );
    ok(
        &db,
        "contribution add FRA 90'000 --date 2017-06-13 --ref FR-2017",
    );
    ok(
        &db,
        "meeting add 7MSP --name Seventh_Meeting_of_States_Parties --date 2017-09-04 --estimate 30'000 --approved-by 6MSP",
    );
    ok(
        &db,
        "--as-of 2017-06-01 meeting assess 7MSP --scale un-2016-2018 --participants all-parties",
    );
    (dir, db)
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn each_kind_of_letter_in_three_languages_matches_the_golden_files() {
    let (dir, db) = ledger();
    let as_of = "--as-of 2017-06-30";
    let said = ok(
        &db,
        &format!("{as_of} letters reminder 2017 --out reminder --eml"),
    );
    // France paid more than it owed: no reminder.
    assert_mentions(&said, &["2 reminder letters for 2017", "en 1, fr 0, es 1"]);
    let said = ok(
        &db,
        &format!("{as_of} letters receipt --since 2017-06-01 --out receipt --eml"),
    );
    assert_mentions(&said, &["2 acknowledgement letters", "en 1, fr 1, es 0"]);
    ok(
        &db,
        &format!("{as_of} letters statement --out statement --eml"),
    );
    ok(&db, &format!("{as_of} letters meeting --out meeting --eml"));
    let out = |kind: &str| dir.path().join(kind);

    // A reminder: letterhead, reference, place and date, the address on several lines,
    // the years owed, the due date, the bank details and the signatory.
    let deu = read(&out("reminder"), "2017-DEU.txt");
    assert_mentions(
        &deu,
        &[
            "CCM Implementation Support Unit\nConvention on Cluster Munitions\nChemin Eugène-Rigot 2C\n1202 Geneva\nSwitzerland",
            "Our reference: ISU-CCM/2017/001",
            "Geneva, 30 June 2017",
            "Permanent Mission of Germany\nChemin du Petit-Saconnex 28c\n1209 Geneva",
            "Subject: Contributions outstanding for 2017",
            "Please pay by: 30 July 2017",
            "IBAN: CH93 0076 2011 6238 5295 7",
            "Reference to quote: CCM 2017 DEU",
            "A. N. Director\nDirector, CCM Implementation Support Unit",
            "Copy sent by e-mail to mission@example.de",
        ],
    );
    let html = read(&out("reminder"), "2017-DEU.html");
    assert_mentions(
        &html,
        &[
            "@page { size: A4;",
            "Permanent Mission of Germany<br>",
            "<td>2017</td>",
            "CH93 0076 2011 6238 5295 7",
        ],
    );
    // France holds a credit: its statement says so.
    let fra = read(&out("statement"), "statement-2017-06-30-FRA.txt");
    assert_mentions(
        &fra,
        &[
            "Mission permanente de la République française",
            "Directrice",
            "Aucun montant ne reste dû, et un crédit de CHF",
        ],
    );
    assert!(!out("reminder").join("2017-FRA.txt").exists());
    // An acknowledgement says what arrived, when, how it was applied and what remains.
    let receipt = read(&out("receipt"), "receipt-2017-06-13-FRA.txt");
    assert_mentions(
        &receipt,
        &[
            "J'ai l'honneur d'accuser réception",
            "reçue le 13 juin 2017 (votre référence FR-2017)",
            "Contribution pour 2016",
            "Crédit en faveur de votre pays",
        ],
    );
    let statement = read(&out("statement"), "statement-2017-06-30-ESP.txt");
    assert_mentions(
        &statement,
        &[
            "Estado de cuenta al 30 de junio de 2017",
            "Cuota correspondiente a 2016",
        ],
    );
    // An e-mail draft: to the mission, from the unit, the text as the body, the HTML
    // attached.
    let draft = read(&out("reminder"), "2017-DEU.eml");
    assert_mentions(
        &draft,
        &[
            "From: \"CCM Implementation Support Unit\" <isu@example.org>",
            "To: <mission@example.de>",
            "Subject: =?utf-8?Q?ISU-CCM/2017/001_=E2=80=93_Contributions",
            "X-Unsent: 1",
            "filename=\"2017-DEU.html\"",
        ],
    );
    let meeting = read(&out("meeting"), "meeting-7MSP-DEU.txt");
    assert_mentions(&meeting, &["Article 14", "USD "]);
    for kind in ["reminder", "receipt", "statement", "meeting"] {
        assert_golden_letters(&format!("kinds-2017-06-30/{kind}"), &out(kind));
    }
}

#[test]
fn settings_keep_their_history_and_refuse_bad_values() {
    let (_dir, db) = setup();
    ok(&db, "settings set signatory_name First");
    ok(&db, "settings set signatory_name Second");
    let history = ok(&db, "--format csv settings history");
    assert!(history.contains("signatory_name,First,"), "{history}");
    assert!(history.contains("signatory_name,Second,"), "{history}");
    let shown = ok(&db, "--format csv settings show");
    assert!(shown.contains("signatory_name,Second,"), "{shown}");
    assert!(!shown.contains("First"), "{shown}");
    let before = dump(&db);
    for (args, needle) in [
        (
            vec!["settings", "set", "colour", "red"],
            "unknown settings key 'colour'",
        ),
        (
            vec!["settings", "set", "iban", "CH94 0076 2011 6238 5295 7"],
            "check digits",
        ),
        (
            vec!["settings", "set", "reference_pattern", "ISU/{year}"],
            "no {n}",
        ),
        (
            vec!["settings", "set", "iban.fr", "x"],
            "unknown settings key",
        ),
        (
            vec!["settings", "set", "in_force_months", "x"],
            "in_force_months",
        ),
    ] {
        let message = refused(&db, &args);
        assert_mentions(&message, &[needle]);
    }
    assert_eq!(dump(&db), before, "nothing was written");
}

#[test]
fn init_sets_the_identity_and_refuses_a_bad_one_before_creating_anything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.sqlite");
    let said = isu_ok(
        &db,
        &[
            "init",
            "--set",
            "unit_name=ISU of the CCM",
            "--set",
            "reference_pattern=L/{year}/{n:04}",
        ],
    );
    assert_mentions(&said, &["2 settings"]);
    let shown = ok(&db, "--format csv settings show");
    assert_mentions(&shown, &["unit_name,ISU of the CCM", "L/{year}/{n:04}"]);
    let other = dir.path().join("other.sqlite");
    let output = isu(&other)
        .args(["init", "--set", "reference_pattern=L/{year}"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_mentions(&String::from_utf8_lossy(&output.stderr), &["no {n}"]);
    assert!(!other.exists(), "no ledger was created");
}

#[test]
fn a_letter_uses_the_address_in_force_on_its_date() {
    let (dir, db) = ledger();
    isu_ok(
        &db,
        &[
            "party",
            "update",
            "DEU",
            "--address",
            "New Road 1, 1211 Geneva",
            "--email",
            "new@example.de",
            "--date",
            "2017-07-01",
        ],
    );
    ok(
        &db,
        "--as-of 2017-06-30 letters reminder 2017 --out june --top 1",
    );
    ok(
        &db,
        "--as-of 2017-07-01 letters reminder 2017 --out july --top 1",
    );
    let june = read(&dir.path().join("june"), "2017-DEU.txt");
    let july = read(&dir.path().join("july"), "2017-DEU.txt");
    assert_mentions(
        &june,
        &["Chemin du Petit-Saconnex 28c", "mission@example.de"],
    );
    assert!(!june.contains("New Road 1"), "{june}");
    assert_mentions(
        &july,
        &[
            "Permanent Mission of the Federal Republic of Germany\nNew Road 1\n1211 Geneva",
            "new@example.de",
        ],
    );
    assert!(!july.contains("Petit-Saconnex"), "{july}");
    // The history says who changed what, and from when.
    let history = ok(&db, "--format csv party history DEU");
    assert_mentions(&history, &["DEU,2017-07-01,\"address, email\"", ",test"]);
}

#[test]
fn a_signatory_that_ratifies_becomes_a_state_party_in_force_by_the_rule() {
    let (_dir, db) = setup();
    ok(&db, "party add AUT --kind signatory");
    let said = ok(
        &db,
        "party update AUT --deposited 2009-04-02 --date 2009-04-02",
    );
    // Not 2009-10-01: never before the convention's own entry into force.
    assert_mentions(&said, &["state-party", "in force 2010-08-01"]);
    let said = ok(&db, "party add NOR --deposited 2011-03-09");
    assert_mentions(&said, &["in force 2011-09-01"]);
    let before = dump(&db);
    for (line, needle) in [
        ("party update XYZ --name X", "unknown party 'XYZ'"),
        ("party update AUT", "nothing to change"),
        ("party update AUT --language en", "nothing to change"),
        (
            "party update AUT --in-force 2009-01-01",
            "before the deposit 2009-04-02",
        ),
        (
            "party add EU --kind organisation",
            "an organisation needs a name",
        ),
    ] {
        assert_mentions(&refused(&db, &words(line)), &[needle]);
    }
    assert_eq!(dump(&db), before, "nothing was written");
    // A State Party without dates is added, with a warning on standard error.
    let output = isu(&db).args(words("party add DEU")).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("warning: DEU has no deposit date"));
}

#[test]
fn party_import_update_changes_the_parties_already_there() {
    let (dir, db) = setup();
    ok(&db, "party add DEU --deposited 2009-07-08");
    let file = dir.path().join("parties.csv");
    fs::write(
        &file,
        "code,address,language\nDEU,Mission of Germany | Geneva,fr\nFRA,,fr\n",
    )
    .unwrap();
    let message = refused(&db, &["party", "import", "parties.csv"]);
    assert_mentions(&message, &["DEU"]);
    let said = isu_ok(
        &db,
        &[
            "--as-of",
            "2017-01-01",
            "party",
            "import",
            "parties.csv",
            "--update",
        ],
    );
    assert_mentions(
        &said,
        &["imported 1 party", "updated 1 party from 2017-01-01"],
    );
    let list = ok(&db, "--format csv party list");
    assert!(
        list.contains("DEU,Germany,state-party,2009-07-08,2010-08-01,fr"),
        "{list}"
    );
}

#[test]
fn a_rerun_into_the_same_folder_removes_the_letter_of_a_state_that_paid() {
    let (dir, db) = ledger();
    ok(
        &db,
        "--as-of 2017-06-30 letters reminder 2017 --out letters",
    );
    let out = dir.path().join("letters");
    assert!(out.join("2017-ESP.html").exists());
    ok(
        &db,
        "contribution add ESP 100'000 --date 2017-07-10 --ref ES-1",
    );
    ok(
        &db,
        "--as-of 2017-07-31 letters reminder 2017 --out letters",
    );
    let names = file_names(&out);
    assert!(!names.iter().any(|n| n.contains("ESP")), "{names:?}");
    assert!(names.contains(&"2017-DEU.txt".to_string()), "{names:?}");
    let manifest = read(&out, "manifest.txt");
    assert!(!manifest.contains("ESP"), "{manifest}");
    // The same inputs give the same bytes.
    ok(&db, "--as-of 2017-07-31 letters reminder 2017 --out again");
    for name in file_names(&out) {
        assert_eq!(
            fs::read(out.join(&name)).unwrap(),
            fs::read(dir.path().join("again").join(&name)).unwrap(),
            "{name}"
        );
    }
    // A folder holding a file no run wrote is refused.
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let message = refused(
        &db,
        &words("--as-of 2017-07-31 letters reminder 2017 --out letters"),
    );
    assert_mentions(&message, &["notes.txt", "no letters run wrote"]);
    assert!(out.join("notes.txt").exists());
}

#[test]
fn templates_are_written_for_editing_and_override_one_by_one() {
    let (dir, db) = ledger();
    let said = ok(&db, "letters templates --out tpl");
    assert_mentions(&said, &["17 templates"]);
    let tpl = dir.path().join("tpl");
    assert!(tpl.join("reminder.fr.html").is_file());
    assert!(tpl.join("report.es.html").is_file());
    // Only the Spanish reminder changes; the others stay built in.
    let mine = dir.path().join("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::write(
        mine.join("reminder.es.html"),
        "{% block opening %}<p>Señora, señor:</p>{% endblock %}\
         {% block closing %}<p>{{ total }}</p>{% endblock %}{% block courtesy %}{% endblock %}",
    )
    .unwrap();
    ok(
        &db,
        "--as-of 2017-06-30 letters reminder 2017 --out out --template-dir mine",
    );
    let out = dir.path().join("out");
    assert!(read(&out, "2017-ESP.txt").contains("Señora, señor:"));
    assert!(read(&out, "2017-DEU.txt").contains("Excellency,"));
    // Written again into the same folder: refused, nothing overwritten.
    let message = refused(&db, &words("letters templates --out tpl"));
    assert_mentions(&message, &["already holds"]);
}

#[test]
fn a_template_that_runs_away_is_stopped_and_nothing_is_written() {
    let (dir, db) = ledger();
    let mine = dir.path().join("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::write(
        mine.join("reminder.en.html"),
        "{% block opening %}{% for i in range(100000) %}{% for j in range(100000) %}\
         {% endfor %}{% endfor %}{% endblock %}",
    )
    .unwrap();
    let before = dump(&db);
    let message = refused(
        &db,
        &words("--as-of 2017-06-30 letters reminder 2017 --out out --template-dir mine --record"),
    );
    assert_mentions(&message, &["reminder.en.html", "too much work"]);
    assert!(!dir.path().join("out").exists());
    assert_eq!(dump(&db), before);
}

#[test]
fn drafts_need_the_units_e_mail_address() {
    let (dir, db) = setup();
    ok(&db, "party add DEU --in-force 2010-08-01");
    let message = refused(&db, &words("letters reminder 2017 --out out --eml"));
    assert_mentions(&message, &["settings set email"]);
    assert!(!dir.path().join("out").exists());
}

#[test]
fn the_template_of_every_language_at_once_is_replaced_by_a_folder() {
    let (dir, db) = ledger();
    fs::write(dir.path().join("mine.txt"), "{{ total }}").unwrap();
    let message = refused(
        &db,
        &words("--as-of 2017-06-30 letters 2017 --out out --template mine.txt"),
    );
    assert_mentions(&message, &["--template-dir", "letters templates --out"]);
    assert!(!dir.path().join("out").exists());
}

#[test]
fn letters_refuse_a_report_format() {
    let (dir, db) = ledger();
    let message = refused(
        &db,
        &words("--format json --as-of 2017-06-30 letters reminder 2017 --out out"),
    );
    assert_mentions(&message, &["leave out --format"]);
    assert!(!dir.path().join("out").exists());
}

#[test]
fn recorded_letters_are_listed_with_their_reference() {
    let (_dir, db) = ledger();
    ok(
        &db,
        "--as-of 2017-06-30 letters reminder 2017 --out june --record",
    );
    ok(
        &db,
        "--as-of 2017-06-30 letters receipt --since 2017-06-01 --out receipts --record",
    );
    ok(
        &db,
        "--as-of 2017-09-30 letters reminder 2017 --out september --record",
    );
    assert_eq!(count(&db, "letter_sent"), 2 + 2 + 2);
    let list = ok(&db, "--format csv reminders 2017 --party DEU");
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 4, "{list}");
    assert!(
        lines[1].starts_with("2017-06-30,DEU,Germany,receipt,2017,0,ISU-CCM/2017/"),
        "{list}"
    );
    assert!(
        lines[2].starts_with("2017-06-30,DEU,Germany,reminder,2017,1,ISU-CCM/2017/"),
        "{list}"
    );
    assert!(
        lines[3].starts_with("2017-09-30,DEU,Germany,reminder,2017,2,ISU-CCM/2017/"),
        "{list}"
    );
    // Every reference is its own.
    let all = ok(&db, "--format csv reminders");
    let mut references: Vec<&str> = all
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(6).unwrap())
        .collect();
    let before = references.len();
    references.sort();
    references.dedup();
    assert_eq!(references.len(), before, "{all}");
    assert_mentions(
        &refused(&db, &words("reminders --party XYZ")),
        &["unknown party"],
    );
}

/// Chromium, if installed: `ISU_LEDGER_REQUIRE_TOOLS=1` (as in CI) makes its absence a
/// failure; otherwise the test says it is skipped.
fn chromium() -> Option<&'static str> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = std::process::Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(name);
        }
    }
    if std::env::var_os("ISU_LEDGER_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
        panic!("ISU_LEDGER_REQUIRE_TOOLS=1 but no Chromium was found");
    }
    eprintln!("SKIPPED: Chromium is not installed; the A4 print check did not run");
    None
}

#[test]
fn a_browser_prints_each_letter_on_one_a4_page() {
    let Some(browser) = chromium() else {
        return;
    };
    let (dir, db) = ledger();
    ok(&db, "--as-of 2017-06-30 letters reminder 2017 --out out");
    ok(&db, "--as-of 2017-06-30 letters statement --out statements");
    for (folder, name) in [
        ("out", "2017-DEU.html"),
        ("out", "2017-ESP.html"),
        ("statements", "statement-2017-06-30-FRA.html"),
        ("statements", "statement-2017-06-30-DEU.html"),
    ] {
        let html = dir.path().join(folder).join(name);
        let pdf = dir.path().join(format!("{name}.pdf"));
        let output = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(&html)
            .output()
            .expect("run Chromium");
        assert!(pdf.is_file(), "{name}: no PDF: {output:?}");
        let bytes = fs::read(&pdf).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let pages = text
            .match_indices("/Type /Page")
            .filter(|(i, _)| !text[i + "/Type /Page".len()..].starts_with('s'))
            .count();
        assert_eq!(pages, 1, "{name}: one page");
        // A4 is 595 x 842 points.
        let media = text
            .split("/MediaBox [")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .expect("a MediaBox");
        let sizes: Vec<f64> = media
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        assert!(
            (sizes[2] - 595.0).abs() < 1.0 && (sizes[3] - 842.0).abs() < 1.0,
            "{name}: {media}"
        );
    }
}
