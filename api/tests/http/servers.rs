//! Private PostgreSQL and Redis servers that a test may stop and restart (the shared
//! ones must never be stopped). Each listens on loopback on a free port and is removed
//! when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn run(command: &mut Command) {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn pg_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server binaries in /usr/lib/postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A throwaway PostgreSQL cluster (run as `postgres` when we are root: it refuses root).
pub struct PrivatePostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

impl PrivatePostgres {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = pg_bin();
        if is_root() {
            run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()));
        }
        let data = dir.path().join("data");
        let server = Self { dir, bin, port: free_port() };
        server.as_postgres(Command::new(server.bin.join("initdb")).arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
        ]));
        server.pg_ctl("start");
        server
    }

    fn as_postgres(&self, command: &mut Command) {
        if is_root() {
            let program = command.get_program().to_owned();
            let args: Vec<_> = command.get_args().map(ToOwned::to_owned).collect();
            run(Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(program)
                .args(args)
                .current_dir(self.path()));
        } else {
            run(command);
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn pg_ctl(&self, action: &str) {
        let data = self.path().join("data");
        let mut command = Command::new(self.bin.join("pg_ctl"));
        command.arg("-D").arg(&data).arg("-l").arg(self.path().join("log")).arg("-w");
        if action == "start" {
            let options =
                format!("-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off", self.port, self.path().display());
            command.arg("-o").arg(options);
        } else {
            command.args(["-m", "immediate"]);
        }
        command.arg(action);
        self.as_postgres(&mut command);
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn stop(&self) {
        self.pg_ctl("stop");
    }

    pub fn restart(&self) {
        self.pg_ctl("start");
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.path().join("data");
        let mut command = Command::new(self.bin.join("pg_ctl"));
        command.arg("-D").arg(&data).args(["-m", "immediate", "stop"]);
        // Already stopped is fine; nothing else to do on failure in a destructor.
        if is_root() {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(command.get_program())
                .args(command.get_args())
                .output();
        } else {
            let _ = command.output();
        }
    }
}

/// A throwaway Redis (no persistence) on a free port.
pub struct PrivateRedis {
    dir: tempfile::TempDir,
    pub port: u16,
}

impl PrivateRedis {
    pub fn start() -> Self {
        let server = Self { dir: tempfile::tempdir().expect("temp dir"), port: free_port() };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn restart(&self) {
        let dir = self.dir.path();
        run(Command::new("redis-server").args([
            "--bind",
            "127.0.0.1",
            "--port",
            &self.port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--pidfile",
            &dir.join("pid").display().to_string(),
            "--logfile",
            &dir.join("log").display().to_string(),
        ]));
        for _ in 0..100 {
            let pong = Command::new("redis-cli").args(["-p", &self.port.to_string(), "ping"]).output();
            if pong.is_ok_and(|o| o.stdout.starts_with(b"PONG")) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("private redis on port {} did not start", self.port);
    }

    pub fn stop(&self) {
        // SHUTDOWN closes the connection, so the command "fails" by design.
        let _ = Command::new("redis-cli").args(["-p", &self.port.to_string(), "shutdown", "nosave"]).output();
        for _ in 0..100 {
            if TcpListener::bind(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("private redis on port {} did not stop", self.port);
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = Command::new("redis-cli").args(["-p", &self.port.to_string(), "shutdown", "nosave"]).output();
    }
}
