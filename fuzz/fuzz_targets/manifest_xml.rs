//! Every validation layer on a bare `imsmanifest.xml` of arbitrary bytes (the XML reader,
//! the schema layer, the reference and LMS rules): never a panic, and the report renders.
#![no_main]

use lessonpack::validate::{Options, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("imsmanifest.xml");
    std::fs::write(&path, data).unwrap();
    if let Ok(validation) = validate(&path, &Options::default()) {
        let _ = validation.report.render();
    }
});
