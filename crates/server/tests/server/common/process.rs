//! `shopbag-server` started as a process of its own, as it runs in production.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A debug build migrates and seeds before it listens; give it time on a busy machine.
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// The running binary, with the URL from its ready line.
pub struct ServerProcess {
    child: Child,
    pub url: String,
    stderr: Option<JoinHandle<String>>,
}

impl ServerProcess {
    /// Starts the binary on `database_url` with `args` and `envs`, none of the caller's
    /// `SHOPBAG_*` settings, and `dir` as working directory, then waits for the ready line.
    pub fn start(
        dir: &Path,
        database_url: &str,
        args: &[&str],
        envs: &[(&str, &Path)],
    ) -> ServerProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_shopbag-server"));
        for variable in [
            "SHOPBAG_TLS",
            "SHOPBAG_TLS_DIR",
            "SHOPBAG_ADDR",
            "SHOPBAG_PORT",
        ] {
            command.env_remove(variable);
        }
        let mut child = command
            .args(["--port", "0", "--database-url", database_url, "--dist"])
            .arg(dir.join("dist"))
            .args(args)
            .envs(envs.iter().copied())
            .env("RUST_LOG", "info")
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("shopbag-server starts");

        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut log = String::new();
            let _ = stderr.read_to_string(&mut log);
            log
        });
        let (line_tx, line_rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let _ = line_tx.send(line);
            }
        });
        let mut running = ServerProcess {
            child,
            url: String::new(),
            stderr: Some(stderr),
        };
        let line = match line_rx.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(line)) => line,
            other => panic!("no ready line ({other:?}); log:\n{}", running.stop()),
        };
        let url = line
            .strip_prefix("shopbag-server listening on ")
            .unwrap_or_else(|| panic!("ready line: {line}"));
        running.url = url.to_string();
        running
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Ends the process and returns what it logged.
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .map(|thread| thread.join().unwrap())
            .unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}
