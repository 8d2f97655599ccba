import { Command } from 'commander';
import { issueToken } from '../../server/accounts';
import { dataOption } from '../data-option';
import { CliError } from '../errors';
import { withAccounts } from '../open-accounts';

export function tokenCommand(): Command {
  return new Command('token')
    .description("print a signed JWT for a user, with the user's role")
    .requiredOption('--company <id>', 'company id')
    .requiredOption('--user <user_id>', 'user id')
    .option('--ttl <seconds>', 'lifetime in seconds', '86400')
    .addOption(dataOption())
    .action(async (o: { company: string; user: string; ttl: string; data: string }) => {
      if (!/^\d+$/.test(o.ttl)) throw new CliError('--ttl must be a whole number of seconds');
      const { token } = await withAccounts(o.data, (a) => issueToken(a, o.company, o.user, Number(o.ttl)));
      console.log(token);
    });
}
