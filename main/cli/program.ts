import { Command, CommanderError } from 'commander';
import { DomainError } from '../server/errors';
import { SchemaTooNewError } from '../server/store/database';
import { DataFolderError } from '../server/store/data-folder';
import { VERSION } from '../server/version';
import { apiKeyCommand } from './commands/api-key';
import { companyCommand } from './commands/company';
import { deviceKeyCommand } from './commands/device-key';
import { loginLinkCommand } from './commands/login-link';
import { serveCommand } from './commands/serve';
import { tokenCommand } from './commands/token';
import { userCommand } from './commands/user';
import { CliError } from './errors';

export function buildProgram(): Command {
  const program = new Command('fleetdesk')
    .description('FleetDesk: self-hosted fleet tracking server and control center')
    .version(VERSION);
  program.addCommand(serveCommand());
  program.addCommand(companyCommand());
  program.addCommand(userCommand());
  program.addCommand(tokenCommand());
  program.addCommand(loginLinkCommand());
  program.addCommand(deviceKeyCommand());
  program.addCommand(apiKeyCommand());
  const configure = (c: Command) => {
    c.exitOverride().configureOutput({ outputError: (str, write) => write(`fleetdesk: ${str.replace(/^error: /, '')}`) });
    c.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs the CLI; every failure is one line on stderr and a non-zero exit code. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode; // commander already printed its message (or help/version)
      return;
    }
    const known = err instanceof CliError || err instanceof DomainError || err instanceof SchemaTooNewError || err instanceof DataFolderError;
    const message = known ? (err as Error).message : `unexpected error: ${(err as Error).stack ?? String(err)}`;
    process.stderr.write(`fleetdesk: ${message}\n`);
    process.exitCode = 1;
  }
}
