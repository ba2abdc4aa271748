//! How long libtorch's OpenMP threads spin before they sleep, set before libgomp starts.
//!
//! Between two parallel regions, libgomp's threads spin-wait (300,000 rounds of `pause` by
//! default: milliseconds on a modern core) before they sleep. On idle cores that spin is what
//! makes the next region start at once. On cores that other processes want too (a shared
//! server, a Spark node running several tasks, a build beside the run), a thread spinning at a
//! barrier holds a core its team mate needs to reach that barrier, and each of the encoder's
//! hundreds of regions per batch can cost a scheduler time slice. Measured on 2 cores
//! (BENCHMARKS.md, session 49; one model copy on two libtorch threads, `examples/encoder_profile`
//! on the 200-article dump): beside four busy processes, 1,410 pieces/s with the default spin,
//! 2,691 with 30,000 rounds, 4,767 with 10,000; on idle cores 30,000 rounds are level with the
//! default (23,543 against 23,190 pieces/s, means of three alternated runs), 10,000 about 3%
//! behind (seven pairs), and no spin at all (`OMP_WAIT_POLICY=PASSIVE`) halved the speed. A
//! team waits only where a model copy has several threads: `extract` on up to four cores runs
//! one-thread copies, and is unchanged.
//!
//! libgomp reads `GOMP_SPINCOUNT` once, when it is loaded with libtorch, before `main` runs.
//! So the binary, when the user has set neither `GOMP_SPINCOUNT` nor `OMP_WAIT_POLICY`, runs
//! itself again at once with [`SPIN_COUNT`] set ([`bound_spin`]); a user's own setting is kept.
//! The spin only decides how threads wait, never what they compute: outputs are the same bits.

use std::ffi::OsString;

/// Rounds of spinning before a waiting thread sleeps: long enough to span the gap between two
/// regions of one batch on idle cores, short enough that a thread gives its core back within
/// a fraction of a time slice when others need it.
pub const SPIN_COUNT: &str = "30000";

/// The variable the binary sets for the process it runs again; also how that process knows
/// it is the second one.
const SPIN_VARIABLE: &str = "GOMP_SPINCOUNT";

/// Whether the user left libgomp's waiting to us: neither variable that sets it is present.
fn spin_unset(var: impl Fn(&str) -> Option<OsString>) -> bool {
    var(SPIN_VARIABLE).is_none() && var("OMP_WAIT_POLICY").is_none()
}

/// Runs this binary again with `GOMP_SPINCOUNT` = [`SPIN_COUNT`], same arguments, same
/// standard streams, when the user set neither `GOMP_SPINCOUNT` nor `OMP_WAIT_POLICY`; returns
/// only when nothing was run again (set already, or the executable cannot be run again: then
/// the run goes on with libgomp's default). Call first in `main`, before any thread starts.
#[cfg(unix)]
pub fn bound_spin() {
    use std::os::unix::process::CommandExt;
    if !spin_unset(|name| std::env::var_os(name)) {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let arg0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
    // `exec` returns only when it failed; the process is then as it was.
    let _ = std::process::Command::new(&exe)
        .arg0(arg0)
        .args(args)
        .env(SPIN_VARIABLE, SPIN_COUNT)
        .exec();
}

#[cfg(not(unix))]
pub fn bound_spin() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_own_setting_is_kept() {
        let env = |set: &'static [&'static str]| {
            move |name: &str| set.contains(&name).then(|| OsString::from("1"))
        };
        assert!(spin_unset(env(&[])));
        assert!(!spin_unset(env(&["GOMP_SPINCOUNT"])));
        assert!(!spin_unset(env(&["OMP_WAIT_POLICY"])));
    }
}
