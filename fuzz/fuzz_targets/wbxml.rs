#![no_main]
//! See `mailconform_fuzzing::targets::wbxml`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mailconform_fuzzing::targets::wbxml(data);
});
