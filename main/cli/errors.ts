/** An error the CLI reports as one line on stderr, exiting non-zero. */
export class CliError extends Error {}
