//! Runs our kernels on libtorch's own OpenMP threads.
//!
//! Between two int8 products, libtorch's OpenMP threads spin for a while before they sleep. Work
//! handed to another pool (rayon) in that gap finds both cores taken by spinning threads: the
//! packed encoder measured a third slower that way. So the kernels between the products
//! (attention, GELU, f32 linears) run as an OpenMP parallel region of the same team, found at
//! run time in the libgomp that libtorch loaded. Without it (another OpenMP runtime), tasks run
//! on the calling thread.
//!
//! Tasks are claimed from a shared counter, so which thread runs which task varies; callers make
//! each task's result independent of that (each task writes its own part of the output).

use std::ffi::{c_uint, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

type Parallel = unsafe extern "C" fn(extern "C" fn(*mut c_void), *mut c_void, c_uint, c_uint);

/// libgomp's `GOMP_parallel`, if the process has it.
fn gomp_parallel() -> Option<Parallel> {
    static FOUND: OnceLock<Option<Parallel>> = OnceLock::new();
    *FOUND.get_or_init(|| {
        // SAFETY: dlsym with a NUL-terminated name; the symbol, when present, has this signature
        // (libgomp's ABI since GCC 4.9).
        let symbol = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"GOMP_parallel".as_ptr()) };
        (!symbol.is_null()).then(|| unsafe { std::mem::transmute::<*mut c_void, Parallel>(symbol) })
    })
}

struct Region<'a> {
    tasks: usize,
    next: AtomicUsize,
    panicked: AtomicBool,
    run: &'a (dyn Fn(usize) + Sync),
}

extern "C" fn worker(data: *mut c_void) {
    // SAFETY: `data` is the `Region` that `for_each_task` keeps alive until GOMP_parallel returns.
    let region = unsafe { &*(data as *const Region) };
    loop {
        let task = region.next.fetch_add(1, Ordering::Relaxed);
        if task >= region.tasks || region.panicked.load(Ordering::Relaxed) {
            break;
        }
        // A panic must not unwind into C: note it and re-raise it on the calling thread.
        if catch_unwind(AssertUnwindSafe(|| (region.run)(task))).is_err() {
            region.panicked.store(true, Ordering::Relaxed);
        }
    }
}

/// Runs `run(0..tasks)` on libtorch's threads (as many as `tch::set_num_threads` set), each task
/// once; returns when all are done.
pub fn for_each_task(tasks: usize, run: &(dyn Fn(usize) + Sync)) {
    if tasks == 0 {
        return;
    }
    let Some(parallel) = gomp_parallel().filter(|_| tasks > 1) else {
        (0..tasks).for_each(run);
        return;
    };
    let region = Region {
        tasks,
        next: AtomicUsize::new(0),
        panicked: AtomicBool::new(false),
        run,
    };
    // SAFETY: `worker` only reads `region`, which outlives the call; 0 threads means the team
    // size libtorch set.
    unsafe { parallel(worker, &region as *const Region as *mut c_void, 0, 0) };
    if region.panicked.load(Ordering::Relaxed) {
        panic!("a kernel task panicked");
    }
}

/// Runs `run(index, part)` on each of `parts` (disjoint pieces of one output), one task per
/// part, on libtorch's threads.
pub fn for_each_part<T: Send>(parts: Vec<&mut [T]>, run: &(dyn Fn(usize, &mut [T]) + Sync)) {
    for_each(parts.into_iter().enumerate().collect(), &|(i, part)| {
        run(i, part)
    });
}

/// Runs `run(part)` on each of `parts` (disjoint pieces of the outputs, such as a tuple of
/// row ranges of several slices), one task per part, on libtorch's threads.
pub fn for_each<P: Send>(parts: Vec<P>, run: &(dyn Fn(P) + Sync)) {
    // Each part is taken by the one task that runs it: the lock only proves that to Rust.
    let parts: Vec<Mutex<Option<P>>> = parts.into_iter().map(|p| Mutex::new(Some(p))).collect();
    for_each_task(parts.len(), &|i| {
        let part = parts[i].lock().expect("one task per part").take();
        run(part.expect("each part runs once"))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_runs_once() {
        let counts: Vec<AtomicUsize> = (0..1000).map(|_| AtomicUsize::new(0)).collect();
        for_each_task(counts.len(), &|i| {
            counts[i].fetch_add(1, Ordering::Relaxed);
        });
        assert!(counts.iter().all(|c| c.load(Ordering::Relaxed) == 1));
    }

    #[test]
    fn each_part_runs_once_with_its_own_slices() {
        let mut out = vec![0usize; 1000];
        let parts: Vec<(usize, &mut [usize])> = out.chunks_mut(64).enumerate().collect();
        for_each(parts, &|(i, part)| {
            part.iter_mut().for_each(|v| *v += i + 1)
        });
        for (i, v) in out.iter().enumerate() {
            assert_eq!(*v, i / 64 + 1);
        }
    }

    #[test]
    #[should_panic]
    fn a_panicking_task_panics_the_caller() {
        for_each_task(8, &|i| assert!(i != 5));
    }
}
