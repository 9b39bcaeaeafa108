#![no_main]
//! See `mailconform_fuzzing::targets::tls_wire`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mailconform_fuzzing::targets::tls_wire(data);
});
