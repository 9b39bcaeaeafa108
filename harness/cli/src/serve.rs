//! `mailconform serve`: fake roles on real sockets with the real clock.

use crate::cli::ServeArgs;
use crate::error::CliError;
use crate::roles;

pub fn serve(args: &ServeArgs) -> Result<(), CliError> {
    roles::start(&args.roles, args.bind, &args.state_dir)
}
