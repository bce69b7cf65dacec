//! The real binary, started as Claude Desktop starts it: a child process over stdio,
//! with none of the connector's settings leaking in from the test's environment.

use std::collections::BTreeMap;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;

pub const BIN: &str = env!("CARGO_BIN_EXE_claude-code-connector");

/// Proxy variables (either case), which reqwest reads: a test sets them only on purpose.
pub const PROXY_VARS: [&str; 5] = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD"];

/// The binary with `args`, without any `CLAUDE_CODE_CONNECTOR_*`, `ANTHROPIC_*`, proxy or
/// `RUST_LOG` variable of the test's environment, killed if the test drops it.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).kill_on_drop(true);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CLAUDE_CODE_CONNECTOR_")
            || name.starts_with("ANTHROPIC_")
            || name == "RUST_LOG"
            || PROXY_VARS.contains(&name.to_uppercase().as_str())
        {
            command.env_remove(&*name);
        }
    }
    // `call` keeps closed report days in the user's cache directory by default: one of
    // the test run's own, never the real one (nor entries of an earlier run's fakes).
    command.env("XDG_CACHE_HOME", test_cache_home());
    command
}

/// This test process's stand-in for the user's cache directory.
pub fn test_cache_home() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("ccc-it-cache-home-{}", std::process::id()))
}

/// The binary serving MCP on stdio for `key`, against the API at `base_url`.
pub fn serving(key: &str, base_url: &str) -> Command {
    let mut command = command(&[]);
    command.env("ANTHROPIC_ADMIN_API_KEY", key).env("CLAUDE_CODE_CONNECTOR_BASE_URL", base_url);
    command
}

/// A running binary: its stdin, its stdout line by line, and its stderr, read as it
/// comes so that verbose logs never fill the pipe and block the server.
pub struct Spawned {
    pub child: Child,
    pub stdin: ChildStdin,
    pub stdout: Lines<BufReader<ChildStdout>>,
    /// Everything written to stderr, once the process has closed it.
    pub stderr: JoinHandle<String>,
}

impl Spawned {
    /// Sends `messages` one by one; after each request (a message with an id), reads
    /// stdout until its answer has come. Every line on stdout must be JSON-RPC 2.0.
    /// Returns the answers by id.
    pub async fn exchange(&mut self, messages: &[Value]) -> BTreeMap<u64, Value> {
        let mut answers = BTreeMap::new();
        for message in messages {
            self.stdin.write_all(format!("{message}\n").as_bytes()).await.expect("write to the binary");
            let Some(id) = message.get("id").and_then(Value::as_u64) else { continue };
            while !answers.contains_key(&id) {
                let line = tokio::time::timeout(Duration::from_secs(60), self.stdout.next_line())
                    .await
                    .unwrap_or_else(|_| panic!("no answer to request {id} within 60 s"))
                    .expect("read stdout")
                    .expect("stdout open");
                let value: Value =
                    serde_json::from_str(&line).unwrap_or_else(|_| panic!("stdout carries only JSON-RPC, got: {line}"));
                assert_eq!(value["jsonrpc"], "2.0", "{line}");
                if let Some(answered) = value.get("id").and_then(Value::as_u64) {
                    answers.insert(answered, value);
                }
            }
        }
        answers
    }

    /// Closes stdin, as a client that is done does, and returns how the binary exited
    /// and all it wrote to stderr.
    pub async fn finish(self) -> (ExitStatus, String) {
        let Spawned { mut child, stdin, stdout, stderr } = self;
        drop(stdin);
        let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
            .await
            .expect("the binary exits once stdin is closed")
            .expect("wait for the binary");
        drop(stdout);
        (status, stderr.await.expect("the stderr reader"))
    }
}

pub fn spawn(command: &mut Command) -> Spawned {
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn the binary");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut pipe = child.stderr.take().expect("stderr");
    let stderr = tokio::spawn(async move {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes).await;
        String::from_utf8_lossy(&bytes).into_owned()
    });
    Spawned { child, stdin, stdout, stderr }
}

/// What a run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary to its end with `args` and `env` (on top of [`command`]'s clean
/// environment), stdin empty.
pub async fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = command(args);
    command.stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the binary finishes in time")
        .expect("run the binary");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
