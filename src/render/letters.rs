//! Letters, from templates: a reminder, an acknowledgement of a payment, a statement of
//! account or a reminder of a meeting's balance, each as print-ready HTML (A4) and as plain
//! text. The built-in templates in `reports/letters/` are built into the binary: the layout
//! (`layout.html`, `layout.txt`: letterhead, reference, place and date, address, subject,
//! table, payment instructions, signature) and one body per kind and language
//! (`reminder.en.html`, with the blocks `opening`, `closing` and `courtesy`). A directory given with
//! `--template-dir` overrides them one by one; the text of a body is its HTML's paragraphs
//! unless a `KIND.LANG.txt` is given too.

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::domain::party::Language;

/// The built-in templates, by file name.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../../reports/letters/layout.html"),
    ),
    (
        "layout.txt",
        include_str!("../../reports/letters/layout.txt"),
    ),
    (
        "reminder.en.html",
        include_str!("../../reports/letters/reminder.en.html"),
    ),
    (
        "reminder.fr.html",
        include_str!("../../reports/letters/reminder.fr.html"),
    ),
    (
        "reminder.es.html",
        include_str!("../../reports/letters/reminder.es.html"),
    ),
    (
        "receipt.en.html",
        include_str!("../../reports/letters/receipt.en.html"),
    ),
    (
        "receipt.fr.html",
        include_str!("../../reports/letters/receipt.fr.html"),
    ),
    (
        "receipt.es.html",
        include_str!("../../reports/letters/receipt.es.html"),
    ),
    (
        "statement.en.html",
        include_str!("../../reports/letters/statement.en.html"),
    ),
    (
        "statement.fr.html",
        include_str!("../../reports/letters/statement.fr.html"),
    ),
    (
        "statement.es.html",
        include_str!("../../reports/letters/statement.es.html"),
    ),
    (
        "meeting.en.html",
        include_str!("../../reports/letters/meeting.en.html"),
    ),
    (
        "meeting.fr.html",
        include_str!("../../reports/letters/meeting.fr.html"),
    ),
    (
        "meeting.es.html",
        include_str!("../../reports/letters/meeting.es.html"),
    ),
    (
        "report.en.html",
        include_str!("../../reports/letters/report.en.html"),
    ),
    (
        "report.fr.html",
        include_str!("../../reports/letters/report.fr.html"),
    ),
    (
        "report.es.html",
        include_str!("../../reports/letters/report.es.html"),
    ),
];

/// The kinds of letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LetterKind {
    Reminder,
    Receipt,
    Statement,
    Meeting,
    /// A reminder of the Article 7 transparency reports a State Party owes.
    Report,
}

impl LetterKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            LetterKind::Reminder => "reminder",
            LetterKind::Receipt => "receipt",
            LetterKind::Statement => "statement",
            LetterKind::Meeting => "meeting",
            LetterKind::Report => "report",
        }
    }
}

/// One year's line in a reminder; amounts already in the Swiss format.
#[derive(Debug, Clone, Serialize)]
pub struct LetterLine {
    pub year: i32,
    pub assessed: String,
    pub received: String,
    pub outstanding: String,
    /// The day it fell or falls due, written in the letter's language; empty if unknown.
    pub due: String,
}

/// The table of a letter: its column headers and rows (the first column is text, the
/// others amounts), then the lines under it (a credit deducted, the total).
#[derive(Debug, Clone, Default, Serialize)]
pub struct LetterTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub foot: Vec<(String, String)>,
    /// How many columns, from the first, are text (aligned left); the others are amounts
    /// and dates (aligned right).
    pub text_columns: usize,
    /// The header and rows as lines of text, aligned.
    pub text_lines: Vec<String>,
}

/// The words of tables and subjects in a letter's language.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    pub year: &'static str,
    pub due: &'static str,
    pub assessed: &'static str,
    pub received: &'static str,
    pub outstanding: &'static str,
    pub less_credit: &'static str,
    pub total_due: &'static str,
    pub applied_to: &'static str,
    pub amount: &'static str,
    pub contribution_for: &'static str,
    pub voluntary_for: &'static str,
    pub held_as_credit: &'static str,
    pub remaining: &'static str,
    pub date: &'static str,
    pub description: &'static str,
    pub charged: &'static str,
    pub paid: &'static str,
    pub balance: &'static str,
    pub assessment_for: &'static str,
    pub payment_for: &'static str,
    pub credit_applied_to: &'static str,
    pub credit_held: &'static str,
    pub meeting: &'static str,
    pub mission: &'static str,
    pub reminder_no: &'static str,
    pub contributions_outstanding: &'static str,
    pub acknowledgement: &'static str,
    pub statement: &'static str,
    pub meeting_share: &'static str,
    pub report: &'static str,
    pub initial_report: &'static str,
    pub annual_update_for: &'static str,
    pub days_overdue: &'static str,
    pub reports_outstanding: &'static str,
}

pub fn labels(language: Language) -> Labels {
    match language {
        Language::En => Labels {
            year: "Year",
            due: "Due date",
            assessed: "Assessed",
            received: "Received",
            outstanding: "Outstanding",
            less_credit: "Less the credit held in your favour",
            total_due: "Total due",
            applied_to: "Applied to",
            amount: "Amount",
            contribution_for: "Contribution for",
            voluntary_for: "Voluntary contribution for",
            held_as_credit: "Held as a credit in your favour",
            remaining: "Remaining outstanding, all years",
            date: "Date",
            description: "Description",
            charged: "Charged",
            paid: "Paid",
            balance: "Balance",
            assessment_for: "Assessed contribution for",
            payment_for: "Payment applied to",
            credit_applied_to: "Credit applied to",
            credit_held: "Payment held as a credit",
            meeting: "Meeting",
            mission: "Permanent Mission",
            reminder_no: "Reminder no.",
            contributions_outstanding: "Contributions outstanding for",
            acknowledgement: "Acknowledgement of the payment received on",
            statement: "Statement of account as at",
            meeting_share: "Share of the costs of",
            report: "Report",
            initial_report: "Initial report",
            annual_update_for: "Annual update for",
            days_overdue: "Days overdue",
            reports_outstanding: "Article 7 transparency reports outstanding",
        },
        Language::Fr => Labels {
            year: "Année",
            due: "Échéance",
            assessed: "Mis en recouvrement",
            received: "Reçu",
            outstanding: "Dû",
            less_credit: "Moins le crédit dont dispose votre pays",
            total_due: "Total dû",
            applied_to: "Imputation",
            amount: "Montant",
            contribution_for: "Contribution pour",
            voluntary_for: "Contribution volontaire pour",
            held_as_credit: "Crédit en faveur de votre pays",
            remaining: "Reste dû, toutes années",
            date: "Date",
            description: "Libellé",
            charged: "Débit",
            paid: "Crédit",
            balance: "Solde",
            assessment_for: "Contribution mise en recouvrement pour",
            payment_for: "Paiement imputé à",
            credit_applied_to: "Crédit imputé à",
            credit_held: "Paiement porté au crédit",
            meeting: "Réunion",
            mission: "Mission permanente",
            reminder_no: "Rappel n°",
            contributions_outstanding: "Contributions dues pour",
            acknowledgement: "Accusé de réception du paiement reçu le",
            statement: "Relevé de compte au",
            meeting_share: "Part des coûts de la réunion",
            report: "Rapport",
            initial_report: "Rapport initial",
            annual_update_for: "Rapport annuel pour",
            days_overdue: "Jours de retard",
            reports_outstanding: "Rapports de transparence au titre de l'article 7 en attente",
        },
        Language::Es => Labels {
            year: "Año",
            due: "Vencimiento",
            assessed: "Cuota",
            received: "Recibido",
            outstanding: "Pendiente",
            less_credit: "Menos el crédito a favor de su país",
            total_due: "Total adeudado",
            applied_to: "Imputación",
            amount: "Importe",
            contribution_for: "Contribución correspondiente a",
            voluntary_for: "Contribución voluntaria correspondiente a",
            held_as_credit: "Crédito a favor de su país",
            remaining: "Saldo pendiente, todos los años",
            date: "Fecha",
            description: "Concepto",
            charged: "Cargo",
            paid: "Abono",
            balance: "Saldo",
            assessment_for: "Cuota correspondiente a",
            payment_for: "Pago imputado a",
            credit_applied_to: "Crédito imputado a",
            credit_held: "Pago abonado como crédito",
            meeting: "Reunión",
            mission: "Misión Permanente",
            reminder_no: "Recordatorio n.º",
            contributions_outstanding: "Contribuciones pendientes correspondientes a",
            acknowledgement: "Acuse de recibo del pago recibido el",
            statement: "Estado de cuenta al",
            meeting_share: "Parte de los costos de la reunión",
            report: "Informe",
            initial_report: "Informe inicial",
            annual_update_for: "Informe anual correspondiente a",
            days_overdue: "Días de retraso",
            reports_outstanding: "Informes de transparencia pendientes en virtud del artículo 7",
        },
    }
}

impl LetterTable {
    /// A table whose first `text_columns` columns are text, with its lines for the text
    /// letter: columns padded, text to the left, amounts to the right.
    pub fn new(
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
        foot: Vec<(String, String)>,
        text_columns: usize,
    ) -> LetterTable {
        let columns = headers.len();
        let mut widths = vec![0usize; columns];
        for row in std::iter::once(&headers).chain(rows.iter()) {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let pad = |row: &Vec<String>| {
            row.iter()
                .enumerate()
                .take(columns)
                .map(|(i, cell)| {
                    let fill = " ".repeat(widths[i].saturating_sub(cell.chars().count()));
                    if i < text_columns {
                        format!("{cell}{fill}")
                    } else {
                        format!("{fill}{cell}")
                    }
                })
                .collect::<Vec<_>>()
                .join("   ")
                .trim_end()
                .to_string()
        };
        let mut text_lines = vec![pad(&headers)];
        text_lines.extend(rows.iter().map(pad));
        LetterTable {
            headers,
            rows,
            foot,
            text_columns,
            text_lines,
        }
    }
}

/// The sender: the unit and the convention, from the books' settings.
#[derive(Debug, Clone, Serialize)]
pub struct Sender {
    pub unit_name: String,
    pub convention_name: String,
    pub convention_short: String,
    pub address_lines: Vec<String>,
    pub place: String,
    pub email: String,
    pub signatory_name: String,
    pub signatory_title: String,
}

/// Where and how to pay; `None` in a letter when no bank details are set.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentInstructions {
    pub holder: String,
    pub bank: String,
    pub iban: String,
    pub bic: String,
    pub reference: String,
}

/// The recipient: the State (or organisation) and its mission.
#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    pub party: String,
    pub name: String,
    /// The UN short name in the letter's language ("Suisse", "Suiza"), else `name`.
    pub short_name: String,
    pub formal_name: String,
    /// The formal name after "to": "to the Swiss Confederation", "au Royaume de
    /// Belgique", "al Reino de España".
    pub formal_name_to: String,
    /// The formal name after "of": "of the Swiss Confederation", "du Royaume de
    /// Belgique", "del Reino de España".
    pub formal_name_of: String,
    /// The mission's address, one line each, its first line naming the mission.
    pub address_lines: Vec<String>,
    pub email: String,
}

/// The words of the layout in the letter's language.
#[derive(Debug, Clone, Serialize)]
pub struct Words {
    /// The colon after a label: ": ", and " : " in French.
    pub colon: &'static str,
    pub reference: &'static str,
    pub subject: &'static str,
    pub email: &'static str,
    pub payment: &'static str,
    pub due_by: &'static str,
    pub holder: &'static str,
    pub bank: &'static str,
    pub quote: &'static str,
    pub copy: &'static str,
}

/// The words of the layout in `language`.
pub fn words(language: Language) -> Words {
    match language {
        Language::En => Words {
            colon: ": ",
            reference: "Our reference",
            subject: "Subject",
            email: "E-mail",
            payment: "Payment instructions",
            due_by: "Please pay by",
            holder: "Account holder",
            bank: "Bank",
            quote: "Reference to quote",
            copy: "Copy sent by e-mail to",
        },
        Language::Fr => Words {
            colon: " : ",
            reference: "Notre référence",
            subject: "Objet",
            email: "Courriel",
            payment: "Modalités de paiement",
            due_by: "Date limite de paiement",
            holder: "Titulaire du compte",
            bank: "Banque",
            quote: "Référence à indiquer",
            copy: "Copie envoyée par courriel à",
        },
        Language::Es => Words {
            colon: ": ",
            reference: "Nuestra referencia",
            subject: "Asunto",
            email: "Correo electrónico",
            payment: "Instrucciones de pago",
            due_by: "Fecha límite de pago",
            holder: "Titular de la cuenta",
            bank: "Banco",
            quote: "Referencia que debe indicarse",
            copy: "Copia enviada por correo electrónico a",
        },
    }
}

/// What a letter template is given.
#[derive(Debug, Clone, Serialize)]
pub struct LetterContext {
    pub kind: LetterKind,
    pub language: String,
    pub sender: Sender,
    pub recipient: Recipient,
    /// The letter's reference number, from the pattern of the settings.
    pub reference: String,
    /// The date of the letter, written in its language: "27 June 2017", "27 juin 2017",
    /// "27 de junio de 2017".
    pub date: String,
    /// The same date as YYYY-MM-DD.
    pub date_iso: String,
    /// Place and date as the letter heads them: "Geneva, 27 June 2017", "Genève, le 27
    /// juin 2017", "Ginebra, 27 de junio de 2017".
    pub place_date: String,
    pub subject: String,
    /// The budget year of a reminder, the year of a payment or statement.
    pub year: i32,
    /// The reminder level (1 for the first), 0 for other kinds.
    pub level: u32,
    /// The years a reminder asks for, written out: "2016 and 2017".
    pub years: String,
    /// The years owed, one line each (reminders).
    pub lines: Vec<LetterLine>,
    pub table: LetterTable,
    /// What the letter asks for (owed less the credit held) or what remains owed.
    pub total: String,
    /// Whether anything is asked for or remains owed.
    pub owing: bool,
    pub credit: String,
    /// Whether a credit held is deducted or mentioned.
    pub credit_deducted: bool,
    pub currency: String,
    /// The day by which to pay, written out; empty when nothing is owed.
    pub due_date: String,
    pub payment: Option<PaymentInstructions>,
    pub words: Words,
    /// An acknowledgement: the amount received, its date and the payer's reference.
    pub received: String,
    pub received_on: String,
    pub received_reference: String,
    /// A meeting reminder: the meeting's code and name.
    pub meeting: String,
    pub meeting_name: String,
    /// The rule of Article 7 reports (settings): the days after entry into force the
    /// initial report is due, and the day of the year annual updates are due, written out
    /// ("30 April", "30 avril", "30 de abril").
    pub initial_report_days: u32,
    pub annual_report_due: String,
}

impl LetterContext {
    /// A reminder to Austria, in English, with every field filled: for checking templates.
    pub fn sample() -> LetterContext {
        let words_en = words(Language::En);
        LetterContext {
            kind: LetterKind::Reminder,
            language: "en".into(),
            sender: Sender {
                unit_name: "Implementation Support Unit".into(),
                convention_name: "Convention on Cluster Munitions".into(),
                convention_short: "CCM".into(),
                address_lines: vec!["1202 Geneva".into()],
                place: "Geneva".into(),
                email: "isu@example.org".into(),
                signatory_name: "A. Director".into(),
                signatory_title: "Director".into(),
            },
            recipient: Recipient {
                party: "AUT".into(),
                name: "Austria".into(),
                short_name: "Austria".into(),
                formal_name: "the Republic of Austria".into(),
                formal_name_to: "to the Republic of Austria".into(),
                formal_name_of: "of the Republic of Austria".into(),
                address_lines: vec!["Permanent Mission of the Republic of Austria".into()],
                email: String::new(),
            },
            reference: "ISU/2017/001".into(),
            date: "27 June 2017".into(),
            date_iso: "2017-06-27".into(),
            place_date: "Geneva, 27 June 2017".into(),
            subject: "Contributions outstanding for 2017".into(),
            year: 2017,
            level: 1,
            years: "2017".into(),
            lines: vec![],
            table: LetterTable::new(
                vec!["Year".into(), "Outstanding".into()],
                vec![vec!["2017".into(), "CHF 1.00".into()]],
                vec![("Total due".into(), "CHF 1.00".into())],
                1,
            ),
            total: "CHF 1.00".into(),
            owing: true,
            credit: "CHF 0.00".into(),
            credit_deducted: false,
            currency: "CHF".into(),
            due_date: "27 July 2017".into(),
            payment: None,
            words: words_en,
            received: String::new(),
            received_on: String::new(),
            received_reference: String::new(),
            meeting: String::new(),
            meeting_name: String::new(),
            initial_report_days: 180,
            annual_report_due: "30 April".into(),
        }
    }
}

/// The work a template may do for one letter (minijinja's fuel: about one unit per
/// instruction): a hundred times what the longest built-in letter needs, and done in well
/// under a second.
pub const TEMPLATE_FUEL_MAX: u64 = 2_000_000;

/// The longest letter a template may write: 1 MiB, a few hundred pages.
pub const LETTER_BYTES_MAX: usize = 1 << 20;

/// The most templates a directory may give (a directory of thousands of files is a
/// mistake).
const TEMPLATE_FILES_MAX: usize = 200;

/// A template that does not parse or render, with its name and line.
#[derive(Debug, thiserror::Error)]
#[error("template {name}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
pub struct TemplateError {
    pub name: String,
    pub line: Option<usize>,
    pub message: String,
}

fn template_error(name: &str, error: minijinja::Error) -> TemplateError {
    TemplateError {
        name: name.to_string(),
        line: error.line(),
        message: error.detail().map_or_else(
            || error.kind().to_string(),
            |d| format!("{}: {d}", error.kind()),
        ),
    }
}

/// One letter written: its text and its HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub html: String,
}

/// The letter templates: the built-in ones, each overridden by a file of the same name in
/// the directory given.
pub struct LetterTemplates {
    environment: Environment<'static>,
    /// Where each template came from, for messages: its path, or its built-in name.
    origin: BTreeMap<String, String>,
}

/// The file name of the body template of `kind` in `language`.
pub fn body_name(kind: LetterKind, language: Language, extension: &str) -> String {
    format!("{}.{}.{extension}", kind.as_str(), language.as_str())
}

fn is_template_name(name: &str) -> bool {
    if name == "layout.html" || name == "layout.txt" {
        return true;
    }
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 3
        && ["reminder", "receipt", "statement", "meeting", "report"].contains(&parts[0])
        && ["en", "fr", "es"].contains(&parts[1])
        && ["html", "txt"].contains(&parts[2])
}

impl LetterTemplates {
    /// The built-in templates.
    pub fn builtin() -> Result<LetterTemplates, TemplateError> {
        LetterTemplates::new(Vec::new())
    }

    /// The built-in templates, overridden by `custom` (file name, where it came from, its
    /// text). A name that is not a letter template, or a template that does not parse, is
    /// refused here, before any letter is written.
    pub fn new(custom: Vec<(String, String, String)>) -> Result<LetterTemplates, TemplateError> {
        let mut environment = Environment::new();
        environment.set_undefined_behavior(UndefinedBehavior::Strict);
        environment.set_keep_trailing_newline(true);
        environment.set_fuel(Some(TEMPLATE_FUEL_MAX));
        environment.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        let mut origin = BTreeMap::new();
        for (name, source) in BUILTIN_TEMPLATES {
            environment
                .add_template(name, source)
                .map_err(|e| template_error(name, e))?;
            origin.insert(name.to_string(), format!("{name} (built in)"));
        }
        for (name, shown, source) in custom {
            if !is_template_name(&name) {
                return Err(TemplateError {
                    name: shown,
                    line: None,
                    message: "is not a letter template: the names are layout.html, \
                              layout.txt and KIND.LANG.html or KIND.LANG.txt (KIND reminder, \
                              receipt, statement, meeting or report; LANG en, fr or es)"
                        .to_string(),
                });
            }
            environment
                .add_template_owned(name.clone(), source)
                .map_err(|e| template_error(&shown, e))?;
            origin.insert(name, shown);
        }
        Ok(LetterTemplates {
            environment,
            origin,
        })
    }

    /// The templates of `dir` over the built-in ones: every file named as a template
    /// (`reminder.fr.html`, `layout.html`…); other files are refused, so that a misspelt
    /// name is not silently ignored.
    pub fn from_dir(dir: &Path) -> anyhow::Result<LetterTemplates> {
        let cannot =
            |e: std::io::Error| anyhow::anyhow!("cannot read templates in {}: {e}", dir.display());
        let mut custom = Vec::new();
        let mut entries = std::fs::read_dir(dir)
            .map_err(cannot)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(cannot)?;
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            if custom.len() >= TEMPLATE_FILES_MAX {
                anyhow::bail!(
                    "{} holds more than {TEMPLATE_FILES_MAX} files: give the directory of the \
                     letter templates",
                    dir.display()
                );
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.metadata().map_err(cannot)?.len() > LETTER_BYTES_MAX as u64 {
                anyhow::bail!("template {} is larger than 1 MiB", path.display());
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("cannot read the template {}: {e}", path.display()))?;
            custom.push((name, path.display().to_string(), text));
        }
        Ok(LetterTemplates::new(custom)?)
    }

    fn has(&self, name: &str) -> bool {
        self.origin.contains_key(name)
    }

    fn shown(&self, name: &str) -> String {
        self.origin
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    /// Renders one block of a body template, or the whole of a layout when `block` is
    /// `None`, under the limits of work and length.
    fn render_part<S: Serialize>(
        &self,
        name: &str,
        block: Option<&str>,
        context: S,
    ) -> Result<String, TemplateError> {
        let shown = self.shown(name);
        let template = self
            .environment
            .get_template(name)
            .map_err(|e| template_error(&shown, e))?;
        let mut out = LimitedWriter::default();
        // `eval_to_state` is the one way to a `State` that can render a block: the captured
        // state of `render_captured` only lends it out to read.
        #[allow(deprecated)]
        let result = match block {
            None => template.render_captured_to(context, &mut out).map(|_| ()),
            Some(block) => template
                .eval_to_state(context)
                .and_then(|mut state| state.render_block_to_write(block, &mut out)),
        };
        match result {
            Ok(()) => {}
            Err(_) if out.overflowed => {
                return Err(TemplateError {
                    name: shown,
                    line: None,
                    message: format!(
                        "the letter is longer than {} KiB: a template that runs away?",
                        LETTER_BYTES_MAX / 1024
                    ),
                })
            }
            Err(error) if error.kind() == minijinja::ErrorKind::OutOfFuel => {
                return Err(TemplateError {
                    name: shown,
                    line: error.line(),
                    message: format!(
                        "the template does too much work for one letter (more than \
                         {TEMPLATE_FUEL_MAX} steps): a loop that runs away?"
                    ),
                })
            }
            Err(error) => return Err(template_error(&shown, error)),
        }
        String::from_utf8(out.bytes).map_err(|_| TemplateError {
            name: shown,
            line: None,
            message: "the letter is not valid UTF-8".to_string(),
        })
    }

    /// One letter, as HTML and as text.
    pub fn render(&self, context: &LetterContext) -> Result<Rendered, TemplateError> {
        let language: Language = context.language.parse().map_err(|_| TemplateError {
            name: "letter".to_string(),
            line: None,
            message: format!("unknown language {}", context.language),
        })?;
        let html_body = body_name(context.kind, language, "html");
        let text_body = body_name(context.kind, language, "txt");
        let opening_html = self.render_part(&html_body, Some("opening"), context)?;
        let closing_html = self.render_part(&html_body, Some("closing"), context)?;
        let courtesy_html = self.render_part(&html_body, Some("courtesy"), context)?;
        let (opening_text, closing_text, courtesy_text) = if self.has(&text_body) {
            (
                self.render_part(&text_body, Some("opening"), context)?,
                self.render_part(&text_body, Some("closing"), context)?,
                self.render_part(&text_body, Some("courtesy"), context)?,
            )
        } else {
            (
                html_to_text(&opening_html),
                html_to_text(&closing_html),
                html_to_text(&courtesy_html),
            )
        };
        #[derive(Serialize)]
        struct Layout<'a> {
            #[serde(flatten)]
            letter: &'a LetterContext,
            opening: minijinja::Value,
            closing: minijinja::Value,
            courtesy: minijinja::Value,
        }
        let html = self.render_part(
            "layout.html",
            None,
            Layout {
                letter: context,
                opening: minijinja::Value::from_safe_string(opening_html),
                closing: minijinja::Value::from_safe_string(closing_html),
                courtesy: minijinja::Value::from_safe_string(courtesy_html),
            },
        )?;
        let text = self.render_part(
            "layout.txt",
            None,
            Layout {
                letter: context,
                opening: minijinja::Value::from(opening_text),
                closing: minijinja::Value::from(closing_text),
                courtesy: minijinja::Value::from(courtesy_text),
            },
        )?;
        Ok(Rendered { text, html })
    }
}

/// The paragraphs of an HTML fragment as text: one paragraph a line, a blank line between,
/// tags dropped and entities read.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if [
                    "p", "div", "li", "ul", "ol", "table", "tr", "h1", "h2", "h3",
                ]
                .contains(&name.as_str())
                    && tag.starts_with('/')
                {
                    text.push('\u{2}');
                } else if name == "br" {
                    text.push('\u{1}');
                } else if name == "li" {
                    text.push_str("- ");
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    let text = text
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    // Lines are trimmed and runs of blank lines become one.
    let mut paragraphs = Vec::new();
    for paragraph in text.split('\u{2}') {
        let lines: Vec<String> = paragraph
            .split('\u{1}')
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|line| !line.is_empty())
            .collect();
        if !lines.is_empty() {
            paragraphs.push(lines.join("\n"));
        }
    }
    paragraphs.join("\n\n")
}

/// The place and date a letter heads with, in its language.
pub fn place_date(language: Language, place: &str, date: chrono::NaiveDate) -> String {
    match language {
        Language::Fr => format!("{place}, le {}", letter_date(language, date)),
        _ => format!("{place}, {}", letter_date(language, date)),
    }
}

/// Years written out as a list in `language`: "2016 and 2017", "2015, 2016 et 2017".
pub fn years_list(language: Language, years: &[i32]) -> String {
    let and = match language {
        Language::En => "and",
        Language::Fr => "et",
        Language::Es => "y",
    };
    match years {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!(
            "{} {and} {last}",
            rest.iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `formal_name` after the preposition "to" (`to == true`) or "of" in `language`, with the
/// contractions French and Spanish make with the article: à + le = au, de + el = del.
pub fn with_preposition(language: Language, formal_name: &str, to: bool) -> String {
    let name = formal_name.trim();
    let contractions: &[(&str, &str)] = match (language, to) {
        (Language::En, true) => &[("", "to ")],
        (Language::En, false) => &[("", "of ")],
        (Language::Fr, true) => &[("le ", "au "), ("les ", "aux "), ("", "à ")],
        (Language::Fr, false) => &[("le ", "du "), ("les ", "des "), ("", "de ")],
        (Language::Es, true) => &[("el ", "al "), ("", "a ")],
        (Language::Es, false) => &[("el ", "del "), ("", "de ")],
    };
    for (article, replacement) in contractions {
        if let Some(rest) = name.strip_prefix(article) {
            let keep = if article.is_empty() { name } else { rest };
            return format!("{replacement}{keep}");
        }
    }
    name.to_string()
}

/// A date as a letter in `language` writes it.
pub fn letter_date(language: Language, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let month = date.month0() as usize;
    match language {
        Language::En => format!("{} {} {}", date.day(), EN[month], date.year()),
        Language::Fr if date.day() == 1 => format!("1er {} {}", FR[month], date.year()),
        Language::Fr => format!("{} {} {}", date.day(), FR[month], date.year()),
        Language::Es => format!("{} de {} de {}", date.day(), ES[month], date.year()),
    }
}

/// A day of the year written out in `language`, without a year: "30 April", "30 avril",
/// "30 de abril".
pub fn day_of_year(language: Language, (month, day): (u32, u32)) -> String {
    let Some(date) = chrono::NaiveDate::from_ymd_opt(2017, month, day) else {
        return String::new();
    };
    let written = letter_date(language, date);
    written
        .strip_suffix(" de 2017")
        .or_else(|| written.strip_suffix(" 2017"))
        .unwrap_or(&written)
        .to_string()
}

/// Collects a letter, refusing to grow beyond `LETTER_BYTES_MAX`.
#[derive(Default)]
struct LimitedWriter {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for LimitedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > LETTER_BYTES_MAX {
            self.overflowed = true;
            return Err(std::io::Error::other("letter too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_the_letters_language() {
        let date = chrono::NaiveDate::from_ymd_opt(2017, 6, 27).unwrap();
        assert_eq!(letter_date(Language::En, date), "27 June 2017");
        assert_eq!(letter_date(Language::Fr, date), "27 juin 2017");
        assert_eq!(letter_date(Language::Es, date), "27 de junio de 2017");
        let first = chrono::NaiveDate::from_ymd_opt(2017, 8, 1).unwrap();
        assert_eq!(letter_date(Language::Fr, first), "1er août 2017");
    }

    #[test]
    fn prepositions_contract_with_the_article() {
        let cases = [
            (
                Language::Fr,
                "le Royaume de Belgique",
                true,
                "au Royaume de Belgique",
            ),
            (
                Language::Fr,
                "le Royaume de Belgique",
                false,
                "du Royaume de Belgique",
            ),
            (
                Language::Fr,
                "la République du Burundi",
                true,
                "à la République du Burundi",
            ),
            (Language::Fr, "les Îles Cook", false, "des Îles Cook"),
            (
                Language::Es,
                "el Reino de España",
                true,
                "al Reino de España",
            ),
            (
                Language::Es,
                "el Reino de España",
                false,
                "del Reino de España",
            ),
            (
                Language::Es,
                "la República de Chile",
                true,
                "a la República de Chile",
            ),
            (
                Language::En,
                "the Swiss Confederation",
                false,
                "of the Swiss Confederation",
            ),
            (Language::Fr, "lettonie", true, "à lettonie"),
        ];
        for (language, name, to, expected) in cases {
            assert_eq!(with_preposition(language, name, to), expected);
        }
    }

    #[test]
    fn a_template_with_a_syntax_error_is_named_with_its_line() {
        let bad = "{% block opening %}Dear {{ name }},\n\n{% for line in lines %}\nno end";
        let err = LetterTemplates::new(vec![(
            "reminder.en.html".into(),
            "mine/reminder.en.html".into(),
            bad.into(),
        )])
        .err()
        .expect("refused");
        let message = err.to_string();
        assert!(
            message.starts_with("template mine/reminder.en.html line "),
            "{message}"
        );
        assert!(err.line.is_some());
    }

    #[test]
    fn a_file_not_named_as_a_template_is_refused() {
        let err = LetterTemplates::new(vec![(
            "reminder.de.html".into(),
            "mine/reminder.de.html".into(),
            String::new(),
        )])
        .err()
        .expect("refused");
        assert!(
            err.to_string().contains("is not a letter template"),
            "{err}"
        );
    }

    #[test]
    fn html_paragraphs_become_text_paragraphs() {
        let html = "<p>Excellency,</p>\n<p>I have the honour\n  to recall &amp; <strong>ask</strong>\n\n</p><p>CHF 1&#39;000.00</p>";
        assert_eq!(
            html_to_text(html),
            "Excellency,\n\nI have the honour to recall & ask\n\nCHF 1'000.00"
        );
    }

    #[test]
    fn years_are_listed_in_the_letters_language() {
        assert_eq!(years_list(Language::En, &[2017]), "2017");
        assert_eq!(years_list(Language::Fr, &[2016, 2017]), "2016 et 2017");
        assert_eq!(
            years_list(Language::Es, &[2015, 2016, 2017]),
            "2015, 2016 y 2017"
        );
    }
}
