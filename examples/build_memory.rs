//! Builds a site as `reportsite build` does (bodies streamed, pages written to
//! a staging folder as they are made), with the system allocator, so a heap
//! profiler (`heaptrack`) sees every allocation:
//!
//!     cargo build --release --example build_memory
//!     heaptrack target/release/examples/build_memory SITE OUT
//!
//! Prints the number of pages made.

use reportsite::output::Staging;
use reportsite::site::{LoadOptions, Site};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(root), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: build_memory SITE OUT".into());
    };
    let options = LoadOptions {
        stream_bodies: true,
        ..LoadOptions::default()
    };
    let site = Site::load(std::path::Path::new(&root), &options)?;
    let staging = Staging::new(std::path::Path::new(&out))?;
    let built = site.build_into(&staging, &|_, _| {})?;
    println!("{} pages", built.pages);
    Ok(())
}
