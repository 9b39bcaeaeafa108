#![no_main]
//! See `mailconform_fuzzing::targets::auth_header`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mailconform_fuzzing::targets::auth_header(data);
});
