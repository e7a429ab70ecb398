//! `validate` on arbitrary bytes as a `.zip` package: never a panic, whatever the archive
//! claims (sizes, names, offsets, compression).
#![no_main]

use lessonpack::validate::{Options, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("package.zip");
    std::fs::write(&path, data).unwrap();
    if let Ok(validation) = validate(&path, &Options::default()) {
        let _ = validation.report.render();
    }
});
