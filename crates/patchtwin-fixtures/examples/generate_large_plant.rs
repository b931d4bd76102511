//! Prints the generated large plant (see `patchtwin_fixtures`):
//!
//! ```text
//! cargo run -q -p patchtwin-fixtures --example generate_large_plant -- [--sites N] > scenarios/large-plant.yaml
//! ```
//!
//! Without `--sites`, the size of the committed `scenarios/large-plant.yaml`.

use patchtwin_fixtures::{DEFAULT_SITES, large_plant};
use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let usage =
        "usage: generate_large_plant [--sites N]   (N production areas of 10 cells; default 4)";
    let mut sites = DEFAULT_SITES;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--sites" => args.next(),
            other => match other.strip_prefix("--sites=") {
                Some(v) => Some(v.to_string()),
                None if other == "-h" || other == "--help" => {
                    println!("{usage}");
                    return ExitCode::SUCCESS;
                }
                None => {
                    eprintln!("unknown argument `{other}`\n{usage}");
                    return ExitCode::from(2);
                }
            },
        };
        match value.as_deref().map(str::parse::<usize>) {
            Some(Ok(n)) if (1..=99).contains(&n) => sites = n,
            _ => {
                eprintln!("--sites needs a number from 1 to 99\n{usage}");
                return ExitCode::from(2);
            }
        }
    }
    let text = large_plant(sites);
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
