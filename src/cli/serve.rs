//! `serve`: the read-only web view of the books (see `web`), on loopback unless a token
//! guards it.

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;

use anyhow::{anyhow, bail};
use clap::Args;

use super::{Context, Outcome};
use crate::web::{serve, Config};

/// The longest token accepted.
const TOKEN_CHARS_MAX: usize = 512;
/// The shortest token accepted.
const TOKEN_CHARS_MIN: usize = 16;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on; an address other than loopback (127.0.0.1, ::1)
    /// needs --token or --token-file. Port 0 picks a free port (printed at start)
    #[arg(long, value_name = "ADDRESS:PORT", default_value = "127.0.0.1:8080")]
    bind: String,
    /// A secret every request must carry (Authorization: Bearer TOKEN, or ?token=TOKEN once,
    /// which sets a cookie); at least 16 characters, no spaces
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_file")]
    token: Option<String>,
    /// Read the token from this file (its first line), so that it is not seen in the
    /// process list
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
}

fn check_token(token: &str, source: &str) -> anyhow::Result<String> {
    let count = token.chars().count();
    if !(TOKEN_CHARS_MIN..=TOKEN_CHARS_MAX).contains(&count) {
        bail!(
            "{source}: a token has {TOKEN_CHARS_MIN} to {TOKEN_CHARS_MAX} characters, not {count}"
        );
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!("{source}: a token has no spaces or control characters");
    }
    Ok(token.to_string())
}

pub fn run(context: &Context, args: ServeArgs) -> anyhow::Result<Outcome> {
    let bind: SocketAddr = args.bind.parse().map_err(|_| {
        anyhow!(
            "--bind '{}' is not an address and port such as 127.0.0.1:8080",
            crate::text::excerpt(&args.bind)
        )
    })?;
    let token = match (&args.token, &args.token_file) {
        (Some(token), _) => Some(check_token(token, "--token")?),
        (None, Some(file)) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| anyhow!("--token-file {}: {e}", file.display()))?;
            let first = text.lines().next().unwrap_or("").trim();
            Some(check_token(
                first,
                &format!("--token-file {}", file.display()),
            )?)
        }
        (None, None) => None,
    };
    if !bind.ip().is_loopback() && token.is_none() {
        bail!(
            "--bind {bind} listens beyond this computer: give --token or --token-file, which \
             every request must then carry (or bind to 127.0.0.1)"
        );
    }
    // The ledger must open before anything listens.
    drop(context.books()?);
    let listener = TcpListener::bind(bind).map_err(|e| anyhow!("cannot listen on {bind}: {e}"))?;
    let fixed = context.as_of_given.then_some(context.as_of);
    let config = Config {
        db: context.db_path(),
        token: token.clone(),
        default_as_of: Box::new(move || fixed.unwrap_or_else(|| chrono::Local::now().date_naive())),
        today: Box::new(|| chrono::Local::now().date_naive()),
    };
    let guarded = if token.is_some() {
        "; every request needs the token"
    } else {
        ""
    };
    serve(config, listener, |address| {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        writeln!(
            out,
            "serving {} read-only on http://{address}/{guarded} (Ctrl-C stops it)",
            context.db_path().display()
        )?;
        out.flush()?;
        Ok(())
    })?;
    Ok(Outcome::Done)
}
