//! A PostgreSQL server for one test run: `initdb` in a temporary directory, `pg_ctl start`
//! on a free loopback port, stopped and removed on drop. As root, it runs as the `postgres`
//! user (initdb refuses root).

use std::path::PathBuf;
use std::process::Command;

pub struct Server {
    dir: PathBuf,
    bin: PathBuf,
    user: Option<&'static str>,
    pub port: u16,
}

/// The directory of `initdb` and `pg_ctl`: on the PATH, else Debian's.
fn bin_dir() -> Option<PathBuf> {
    let on_path = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            let p = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            std::fs::canonicalize(p).ok()?.parent().map(PathBuf::from)
        });
    on_path.or_else(|| {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("initdb").exists())
            .collect();
        found.sort();
        found.pop()
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Server {
    /// Starts a server, or says why not (`None` when PostgreSQL is not installed).
    pub fn start() -> Option<Result<Server, String>> {
        let bin = bin_dir()?;
        Some(Server::start_in(bin))
    }

    fn start_in(bin: PathBuf) -> Result<Server, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let dir = std::env::temp_dir().join(format!("smql-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let user = is_root().then_some("postgres");
        if let Some(u) = user {
            let ok = Command::new("chown")
                .args([u, &dir.display().to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return Err(format!("cannot give {} to the `{u}` user", dir.display()));
            }
        }
        let server = Server {
            dir,
            bin,
            user,
            port,
        };
        let data = server.dir.join("data");
        server.pg(
            "initdb",
            &[
                "-D",
                &data.display().to_string(),
                "-U",
                "smql",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        )?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=10",
            server.dir.display()
        );
        server.pg(
            "pg_ctl",
            &[
                "-D",
                &data.display().to_string(),
                "-l",
                &server.dir.join("log").display().to_string(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        )?;
        Ok(server)
    }

    fn pg(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(tool);
        let mut cmd = match self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let out = cmd
            .args(args)
            .output()
            .map_err(|e| format!("{tool}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    pub fn dsn(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=smql dbname=postgres",
            self.port
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.join("data").display().to_string();
        let _ = self.pg("pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
