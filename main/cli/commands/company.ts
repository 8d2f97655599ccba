import { Command } from 'commander';
import { addCompany } from '../../server/accounts';
import { dataOption } from '../data-option';
import { withAccounts } from '../open-accounts';

export function companyCommand(): Command {
  const company = new Command('company').description('manage companies (tenants)');
  company
    .command('add')
    .description('add a company and print its id')
    .argument('<name>', 'display name, e.g. "Acme Logistics"')
    .option('--id <id>', 'company id (default: derived from the name)')
    .addOption(dataOption())
    .action(async (name: string, opts: { id?: string; data: string }) => {
      const row = await withAccounts(opts.data, (a) => addCompany(a, name, opts.id));
      console.log(row.id);
    });
  company
    .command('list')
    .description('list companies')
    .addOption(dataOption())
    .action(async (opts: { data: string }) => {
      const rows = await withAccounts(opts.data, (a) => a.companies.list());
      for (const c of rows) console.log(`${c.id}\t${c.name}`);
    });
  return company;
}
