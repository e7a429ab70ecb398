//! Opening arbitrary bytes as a zip package and reading every entry it lists, within the
//! reader's own limits: never a panic, never more than the limits allow.
#![no_main]

use lessonpack::container::Container;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("package.zip");
    std::fs::write(&path, data).unwrap();
    let Ok(mut container) = Container::open(&path, true, None) else {
        return;
    };
    let names: Vec<String> = container
        .files()
        .map(|e| e.name.clone())
        .take(256)
        .collect();
    for name in names {
        if let Ok(bytes) = container.read(&name, 1 << 20) {
            assert!(bytes.len() <= 1 << 20);
        }
    }
});
