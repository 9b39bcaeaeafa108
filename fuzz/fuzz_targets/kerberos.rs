#![no_main]
//! See `mailconform_fuzzing::targets::kerberos`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mailconform_fuzzing::targets::kerberos(data);
});
