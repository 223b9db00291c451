use std::process::ExitCode;
use std::time::Duration;

use connector_exporter::cli::{Cli, Command};
use connector_exporter::config::Config;
use connector_exporter::diagnosis::Verdict;

fn main() -> ExitCode {
    connector_exporter::tune_allocator();
    let cli = match Cli::try_parse_args(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line naming the flag and the value, not clap's usage block.
            let text = e.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            return ExitCode::from(2);
        }
    };
    if cli.version {
        print!("{}", connector_exporter::version::long());
        return ExitCode::SUCCESS;
    }
    let config = match Config::load(cli.flags) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::Healthcheck) {
        return match connector_exporter::healthcheck::run(&config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("unhealthy: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut log = config.log.clone();
    if matches!(command, Command::Check { .. }) && matches!(log.level.as_str(), "info" | "warn") {
        // The report already says what failed; per-round warnings would only
        // repeat it on stderr.
        log.level = "error".to_owned();
    }
    connector_exporter::init_logging(&log);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match command {
        // Healthcheck returned above.
        Command::Serve | Command::Healthcheck => {
            match runtime.block_on(connector_exporter::run(config)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!("{e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { json } => {
            let verdict = runtime.block_on(connector_exporter::check::run(&config, json));
            // A name lookup stuck on a blocking thread must not hold the exit
            // past the probe timeouts.
            runtime.shutdown_timeout(Duration::from_millis(100));
            match verdict {
                Verdict::Problem => ExitCode::from(1),
                Verdict::Ok | Verdict::Warning => ExitCode::SUCCESS,
            }
        }
    }
}
