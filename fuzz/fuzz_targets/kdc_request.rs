#![no_main]
//! See `mailconform_fuzzing::targets::kdc_request`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mailconform_fuzzing::targets::kdc_request(data);
});
