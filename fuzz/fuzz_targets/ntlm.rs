#![no_main]
//! See `mailconform_fuzzing::targets::ntlm_message`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mailconform_fuzzing::targets::ntlm_message(data);
});
