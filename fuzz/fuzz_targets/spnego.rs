#![no_main]
//! See `mailconform_fuzzing::targets::spnego_token`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mailconform_fuzzing::targets::spnego_token(data);
});
