import { Command } from 'commander';
import { ApiKeyStore } from '../../server/store/api-keys';
import { requireCompany } from '../../server/accounts';
import { dataOption } from '../data-option';
import { CliError } from '../errors';
import { withAccounts } from '../open-accounts';

export function apiKeyCommand(): Command {
  const cmd = new Command('api-key').description("a company's API keys: backends send one as X-API-Key to fetch tracks, accidents and events");
  cmd
    .command('create')
    .description('create a key and print it (it is shown only this once)')
    .requiredOption('--company <id>', 'company id')
    .requiredOption('--name <name>', 'what it is for, e.g. "billing backend"')
    .addOption(dataOption())
    .action(async (o: { company: string; name: string; data: string }) => {
      if (!o.name.trim()) throw new CliError('--name cannot be empty');
      const key = await withAccounts(o.data, (a, db) => {
        requireCompany(a, o.company);
        return new ApiKeyStore(db).create(o.company, o.name.trim()).key;
      });
      console.log(key);
    });
  cmd
    .command('list')
    .description('list the keys (id, name, prefix, created, last used)')
    .requiredOption('--company <id>', 'company id')
    .addOption(dataOption())
    .action(async (o: { company: string; data: string }) => {
      const rows = await withAccounts(o.data, (a, db) => {
        requireCompany(a, o.company);
        return new ApiKeyStore(db).list(o.company);
      });
      for (const k of rows) {
        console.log(`${k.id}\t${k.name}\t${k.prefix}…\t${new Date(k.created_at).toISOString()}\t${k.last_used_at ? new Date(k.last_used_at).toISOString() : 'never used'}`);
      }
    });
  cmd
    .command('revoke')
    .description('revoke a key by its id')
    .requiredOption('--company <id>', 'company id')
    .requiredOption('--id <id>', 'the key id from `api-key list`')
    .addOption(dataOption())
    .action(async (o: { company: string; id: string; data: string }) => {
      if (!/^\d+$/.test(o.id)) throw new CliError('--id must be a number');
      const ok = await withAccounts(o.data, (a, db) => {
        requireCompany(a, o.company);
        return new ApiKeyStore(db).revoke(o.company, Number(o.id));
      });
      if (!ok) throw new CliError(`no API key ${o.id} in company "${o.company}"`);
      console.log(`revoked ${o.id}`);
    });
  return cmd;
}
