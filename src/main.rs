//! The `isu-ledger` program: everything happens in `isu_ledger::cli`.

fn main() -> std::process::ExitCode {
    isu_ledger::cli::main()
}
