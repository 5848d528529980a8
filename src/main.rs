fn main() -> std::process::ExitCode {
    smql::cli::main()
}
