//! Release builds embed `frontend/dist` (rust-embed); make cargo rebuild the server when the
//! SPA build changes, including when it first appears. Debug builds read the files from disk at
//! run time, so they are not rebuilt for SPA changes.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:rerun-if-changed=../frontend/dist");
    }
}
