//! Finds libtorch (set up by `scripts/setup`) and embeds its directory as an rpath, so the binary
//! and the tests run without LD_LIBRARY_PATH.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    let libtorch = std::env::var("LIBTORCH")
        .map(PathBuf::from)
        .unwrap_or_default();
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let libtorch = if libtorch.is_relative() {
        manifest.join(libtorch)
    } else {
        libtorch
    };
    let lib = libtorch.join("lib");
    if !lib.join("libtorch_cpu.so").exists() {
        panic!(
            "\n\nlibtorch 2.4.0 not found at {}.\nRun `scripts/setup` once (it fetches libtorch from PyPI into a \
             cache and links it at .libtorch), or set LIBTORCH to a libtorch 2.4.0 directory.\n\n",
            libtorch.display()
        );
    }
    // Resolve the link so the rpath survives the checkout moving.
    let lib = lib.canonicalize().unwrap_or(lib);
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
}
