import { Command } from 'commander';
import { DEFAULT_LINK_TTL_SECONDS, createLoginLink, loginLinkUrl } from '../../server/login-links';
import { runningServerUrl } from '../../server/server-file';
import { dataOption } from '../data-option';
import { CliError } from '../errors';
import { withAccounts } from '../open-accounts';

function baseUrl(given: string): string {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new CliError(`--url must be an http:// or https:// address, not "${given}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--url must be an http:// or https:// address, not "${given}"`);
  return given;
}

export function loginLinkCommand(): Command {
  return new Command('login-link')
    .description('print a one-time sign-in URL for an office or admin user (for browsers on headless set-ups)')
    .requiredOption('--company <id>', 'company id')
    .requiredOption('--user <user_id>', 'user id (office or admin)')
    .option('--ttl <seconds>', 'how long the link stays valid, in seconds', String(DEFAULT_LINK_TTL_SECONDS))
    .option('--url <base>', 'server address the link points to (default: the server running on the data folder, else http://localhost:8765)')
    .addOption(dataOption())
    .action(async (o: { company: string; user: string; ttl: string; url?: string; data: string }) => {
      if (!/^\d+$/.test(o.ttl)) throw new CliError('--ttl must be a whole number of seconds');
      const base = o.url !== undefined ? baseUrl(o.url) : runningServerUrl(o.data);
      const { code } = await withAccounts(o.data, (a) => createLoginLink(a, o.company, o.user, Number(o.ttl)));
      console.log(loginLinkUrl(base, code));
    });
}
