//! Process-wide settings the binary makes before it starts work.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Variables added to a child's environment.
type Env<'a> = &'a [(&'a str, &'a str)];

/// `whosaid stream`, waiting on its standard input, with `env` added to its environment.
fn waiting_stream(env: Env) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_whosaid"));
    c.arg("stream")
        .env_remove("GOMP_SPINCOUNT")
        .env_remove("OMP_WAIT_POLICY")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c.spawn().unwrap()
}

/// The process's environment variable `name` as it runs now, once `ready` holds or after two
/// seconds.
fn env_of(child: &Child, name: &str, ready: impl Fn(&Option<String>) -> bool) -> Option<String> {
    let environ = Path::new("/proc")
        .join(child.id().to_string())
        .join("environ");
    let started = Instant::now();
    loop {
        let value = std::fs::read(&environ).ok().and_then(|bytes| {
            bytes.split(|&b| b == 0).find_map(|entry| {
                let entry = String::from_utf8_lossy(entry);
                let (key, value) = entry.split_once('=')?;
                (key == name).then(|| value.to_string())
            })
        });
        if ready(&value) || started.elapsed() > Duration::from_secs(2) {
            return value;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// libgomp's spin before its threads sleep is bounded unless the user chose one: the binary
/// runs itself again with `GOMP_SPINCOUNT` set (same process id, through exec).
#[test]
#[cfg(target_os = "linux")]
fn openmp_spin_is_bounded_unless_the_user_set_it() {
    let cases: [(Env, Option<&str>); 3] = [
        (&[], Some(whosaid::pipeline::spin::SPIN_COUNT)),
        (&[("GOMP_SPINCOUNT", "7")], Some("7")),
        (&[("OMP_WAIT_POLICY", "PASSIVE")], None),
    ];
    for (env, expected) in cases {
        let mut child = waiting_stream(env);
        let got = env_of(&child, "GOMP_SPINCOUNT", |v| v.is_some());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(got.as_deref(), expected, "{env:?}");
    }
}
