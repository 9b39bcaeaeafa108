//! The command adapter's runner: a target configuration's shell command for one operation, its
//! placeholders filled with shell-quoted values, run with a timeout, its failure reported with
//! the command line, its exit status and the last lines of its stderr.

use super::{DriverError, Operation, COMMAND_TIMEOUT};
use std::process::Stdio;
use tokio::io::AsyncWriteExt;

/// `template` with each `{name}` of `values` replaced by the value as one shell word.
pub(super) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_string(), |line, (name, value)| line.replace(&format!("{{{name}}}"), &shell_quote(value)))
}

/// `s` as one shell word.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Runs `line` with `sh -c` for `role`'s `operation`, `stdin` on its input: its stdout, or why
/// it failed (it could not start, did not read its input or finish within
/// [`COMMAND_TIMEOUT`], or exited unsuccessfully).
pub(super) async fn run(role: &str, operation: Operation, line: &str, stdin: &[u8]) -> Result<String, DriverError> {
    let refused = |reason: String| DriverError::Refused { role: role.to_string(), operation, reason };
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| refused(format!("the adapter command `{line}` cannot be started: {e}")))?;
    if let Some(mut input) = child.stdin.take() {
        // A command that ends without reading its input (one that fails at once, say) closes
        // the pipe: its exit status and stderr, read below, say why, not the broken pipe.
        let written = tokio::time::timeout(COMMAND_TIMEOUT, input.write_all(stdin))
            .await
            .map_err(|_| refused(format!("the adapter command `{line}` did not read its input within {} s", COMMAND_TIMEOUT.as_secs())))?;
        match written {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(refused(format!("the adapter command `{line}` did not take its input: {e}")))
            }
            _ => drop(input),
        }
    }
    let out = tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| refused(format!("the adapter command `{line}` did not finish within {} s", COMMAND_TIMEOUT.as_secs())))?
        .map_err(|e| refused(format!("the adapter command `{line}` failed: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = lines[lines.len().saturating_sub(5)..].join("\n");
        return Err(refused(format!("the adapter command `{line}` exited with {}: {tail}", out.status)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The access token `command` prints for the features' `user`, signing in as `login` for
/// `scope`. Boxer's own sign-in is the password grant, which a provider may refuse (Entra ID
/// for an account with multi-factor authentication, a tenant that disabled it): the operator's
/// own tool (`az account get-access-token`, a device-code login done beforehand, a token
/// cache) then signs in, and the scenario's Exchange still verifies what it prints.
pub async fn access_token(command: &str, user: &str, login: &str, scope: &str) -> Result<String, DriverError> {
    let line = fill(command, &[("user", user), ("login", login), ("scope", scope)]);
    let token = run(crate::role::LOGIN, Operation::SignIn, &line, b"").await?;
    if token.is_empty() || token.contains(char::is_whitespace) {
        let shown: String = token.chars().take(80).collect();
        return Err(DriverError::Refused {
            role: crate::role::LOGIN.to_string(),
            operation: Operation::SignIn,
            reason: format!("the adapter command `{line}` printed {shown:?}, not one access token (print the token alone, on one line)"),
        });
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_placeholder_becomes_one_shell_word() {
        let line = fill("set-state {device_id} {state} {email}", &[("device_id", "it's"), ("state", "non_compliant"), ("email", "a b")]);
        assert_eq!(line, r"set-state 'it'\''s' 'non_compliant' 'a b'");
    }

    #[tokio::test]
    async fn a_failing_command_names_its_line_status_and_stderr() {
        let e = run("uem", Operation::SetDeviceState, "echo nope >&2; exit 3", b"").await.unwrap_err();
        let text = e.to_string();
        assert!(text.contains("`echo nope >&2; exit 3` exited with exit status: 3: nope"), "{text}");
        assert_eq!(run("uem", Operation::SetDeviceState, "cat", b"in").await.unwrap(), "in");
    }

    #[tokio::test]
    async fn an_access_token_command_gets_its_placeholders_and_must_print_one_token() {
        let token = access_token("echo tok-{login}-{scope}", "alice", "alice@corp.example", "api://mail/EWS").await.unwrap();
        assert_eq!(token, "tok-alice@corp.example-api://mail/EWS");
        let e = access_token("echo Please sign in at https://microsoft.com/devicelogin", "alice", "a", "s").await.unwrap_err();
        assert!(e.to_string().contains("not one access token"), "{e}");
        assert!(access_token("true", "alice", "a", "s").await.unwrap_err().to_string().contains("printed \"\""));
    }
}
