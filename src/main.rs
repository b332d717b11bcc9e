use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = rinken::cli::Cli::parse();
    std::process::ExitCode::from(rinken::cli::main_with(cli))
}
