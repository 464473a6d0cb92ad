//! `pocket-id`: run the server or one of its maintenance commands.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = pocket_id::cli::Cli::parse();
    pocket_id::cli::run(cli)
}
