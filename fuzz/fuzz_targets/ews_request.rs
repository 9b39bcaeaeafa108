#![no_main]
//! See `mailconform_fuzzing::targets::ews_request`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mailconform_fuzzing::targets::ews_request(data);
});
