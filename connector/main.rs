//! The `claude-code-connector` binary: MCP over stdio (the default, or `serve`), `tools`
//! and `call` to use the tools from a terminal, `docs` to regenerate or check the
//! generated docs, and `--sandbox` to do any of it against a demo organization.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use claude_code_connector::cli::bundle::{self, BundleArgs};
use claude_code_connector::cli::connect::{self, ConnectArgs, SERVER_URL_VAR};
use claude_code_connector::cli::{self, CallArgs, ServeArgs, ToolsArgs};
use claude_code_connector::docs;

/// MCP server for the Anthropic Admin API (users, invites, workspaces, API keys,
/// usage, cost and Claude Code reports). Speaks MCP over stdio, or over HTTP for a
/// team (`serve --http`); `tools` and `call` use the same tools from a terminal. Try it without a key: --sandbox.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Use a built-in demo organization (generated data, a year of reports ending
    /// yesterday) instead of the Admin API: no key needed, changes last until the process exits.
    #[arg(long, global = true, env = cli::SANDBOX_VAR)]
    sandbox: bool,
    /// Without a subcommand the binary serves MCP over stdio with these flags.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve MCP over stdio (what running without a subcommand does), or over HTTP for a team (--http).
    Serve(ServeArgs),
    /// List the tools: group, name, title and whether they read, write or destroy.
    Tools(ToolsArgs),
    /// Call one tool and print its result: tables and totals, or --output json.
    Call(CallArgs),
    /// Print a new random bearer token for a tenant of `serve --http`, and the SHA-256 its
    /// tenants file entry takes (token_sha256).
    Token(TokenArgs),
    /// Write a new signing key for the OAuth tokens of `serve --http` (tenants file
    /// `oauth.signing_key_file`), readable by its owner only; SIGHUP makes the server use it.
    OauthKey(OAuthKeyArgs),
    /// Write docs/tools.md and the README's tool table from the spec, or check that they are current.
    #[command(name = docs::DOCS_SUBCOMMAND)]
    Docs(DocsArgs),
    /// Write the Claude Desktop extension (FILE.mcpb): this binary for this platform, or
    /// prebuilt binaries for several (--binary PLATFORM=PATH, repeated).
    Bundle(BundleArgs),
    /// Bridge stdio to a team server (`serve --http`) at URL, with the bearer token in
    /// CLAUDE_CODE_CONNECTOR_TEAM_TOKEN: for clients that start only local servers.
    Connect(ConnectArgs),
}

#[derive(Args, Debug)]
struct TokenArgs {
    /// One JSON object: {"token": ..., "token_sha256": ...}.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct OAuthKeyArgs {
    /// Where to write the key (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
struct DocsArgs {
    /// Change nothing: exit 1 and name the stale files if they differ from the spec.
    #[arg(long)]
    check: bool,
    /// The repository root, where README.md and docs/ are.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// Parses the command line. The serve flags given before a subcommand would apply to
/// nothing (each subcommand takes its own), so they are a usage error; `--sandbox`
/// goes anywhere.
fn parse() -> Cli {
    let mut command = ignore_unset_env(Cli::command());
    let matches = command.get_matches_mut();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut command).exit());
    if let Some((name, _)) = matches.subcommand() {
        let misplaced: Vec<String> = command
            .get_arguments()
            .filter(|arg| !arg.is_global_set())
            .filter(|arg| matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine))
            .map(|arg| arg.get_long().map_or_else(|| arg.get_id().to_string(), |long| format!("--{long}")))
            .collect();
        if !misplaced.is_empty() {
            let flags = misplaced.join(" ");
            command
                .error(
                    ErrorKind::ArgumentConflict,
                    format!("{flags} must come after the subcommand: `{name} {flags} ...`"),
                )
                .exit();
        }
    }
    cli
}

/// An environment variable that is empty, or a `${user_config.…}` placeholder a host
/// left unsubstituted (Claude Desktop does for an optional setting without a value),
/// counts as unset: a bundle passes every setting, filled in or not.
fn ignore_unset_env(command: clap::Command) -> clap::Command {
    let unset = |value: &std::ffi::OsStr| {
        let value = value.to_string_lossy();
        value.trim().is_empty() || (value.starts_with("${user_config.") && value.ends_with('}'))
    };
    let ids: Vec<clap::Id> = command
        .get_arguments()
        .filter(|arg| arg.get_env().and_then(std::env::var_os).is_some_and(|value| unset(&value)))
        .map(|arg| arg.get_id().clone())
        .collect();
    let command = ids.into_iter().fold(command, |command, id| command.mut_arg(id, |arg| arg.env(None::<&str>)));
    command.mut_subcommands(ignore_unset_env)
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().collect();
    if let Some(help) = cli::tool_help::requested(&raw) {
        print!("{help}");
        return ExitCode::SUCCESS;
    }
    let cli = parse();
    match &cli.command {
        Some(Command::Docs(args)) => write_docs(args),
        Some(Command::Serve(args)) => cli::serve(args, cli.sandbox),
        Some(Command::Tools(args)) => cli::tools(args, cli.sandbox),
        Some(Command::Call(args)) => cli::call(args, cli.sandbox),
        Some(Command::Token(args)) => cli::token(args.json),
        Some(Command::OauthKey(args)) => cli::oauth_key::oauth_key(&args.out),
        Some(Command::Bundle(args)) => bundle::bundle(args),
        Some(Command::Connect(args)) => connect::connect(args),
        None => match connect::env_setting(SERVER_URL_VAR) {
            // A Claude Desktop extension set to a team server: the same bridge as `connect`.
            Some(url) => {
                if cli.sandbox || connect::env_setting(claude_code_connector::config::KEY_VAR).is_some() {
                    eprintln!(
                        "warning: {SERVER_URL_VAR} is set, so this bridges to the team server; the admin key and --sandbox are not used"
                    );
                }
                connect::connect(&ConnectArgs { url, connect_timeout: cli.serve.connection.connect_timeout })
            }
            None => {
                // In a terminal, say what this is instead of waiting silently for JSON-RPC.
                if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                    eprintln!("{TERMINAL_HINT}");
                }
                cli::serve(&cli.serve, cli.sandbox)
            }
        },
    }
}

/// What a bare start from a terminal prints on stderr (stdout stays JSON-RPC).
const TERMINAL_HINT: &str = "claude-code-connector speaks MCP on stdio and waits for a client (Ctrl-C to stop); see --help, or try a tool: claude-code-connector --sandbox call list_users";

/// `docs`: reports go to stderr, like everything but MCP.
fn write_docs(args: &DocsArgs) -> ExitCode {
    let fix = if args.root == Path::new(".") {
        docs::FIX_COMMAND.to_string()
    } else {
        format!("{} --root {}", docs::FIX_COMMAND, args.root.display())
    };
    let shown = |path: &str| {
        if args.root == Path::new(".") { path.to_string() } else { args.root.join(path).display().to_string() }
    };
    let outcome = if args.check { docs::check(&args.root) } else { docs::write(&args.root) };
    match outcome {
        Ok(files) if files.is_empty() => {
            eprintln!("{} and {} are up to date", shown(docs::TOOLS_MD_PATH), shown(docs::README_PATH));
            ExitCode::SUCCESS
        }
        Ok(stale) if args.check => {
            let names: Vec<String> = stale.iter().map(|path| shown(path)).collect();
            eprintln!("stale (not what {} generates): {}", docs::SPEC_PATH, names.join(", "));
            eprintln!("run: {fix}");
            ExitCode::FAILURE
        }
        Ok(written) => {
            for path in written {
                eprintln!("wrote {}", shown(path));
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            if matches!(&error, docs::DocsError::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound) {
                eprintln!("(run it from the repository root, or pass --root DIR)");
            }
            ExitCode::FAILURE
        }
    }
}
