import { Command, Option } from 'commander';
import { ROLES, type Role } from '../../../shared/ids';
import { addUser } from '../../server/accounts';
import { dataOption } from '../data-option';
import { CliError } from '../errors';
import { withAccounts } from '../open-accounts';

interface UserAddOptions {
  company: string;
  id: string;
  role: Role;
  name?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  plate?: string;
  password?: string;
  passwordStdin?: boolean;
  data: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function userCommand(): Command {
  const user = new Command('user').description('manage users: drivers (tracked devices), office and admin users');
  user
    .command('add')
    .description('add a user and print its id')
    .requiredOption('--company <id>', 'company id')
    .requiredOption('--id <user_id>', 'user id, unique in the company')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
    .option('--name <name>', 'display name')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--phone <phone>', 'phone number')
    .option('--plate <plate>', 'vehicle plate')
    .option('--password <pw>', 'password for office/admin sign-in (visible to other local users: prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .addOption(dataOption())
    .action(async (o: UserAddOptions) => {
      if (o.password !== undefined && o.passwordStdin) throw new CliError('use either --password or --password-stdin');
      const password = o.passwordStdin ? await readStdin() : o.password;
      const row = await withAccounts(o.data, (a) =>
        addUser(a, {
          companyId: o.company,
          userId: o.id,
          role: o.role,
          password,
          display_name: o.name,
          first_name: o.firstName,
          last_name: o.lastName,
          phone: o.phone,
          vehicle_plate: o.plate,
        }),
      );
      console.log(row.user_id);
    });
  user
    .command('list')
    .description('list the users of a company')
    .requiredOption('--company <id>', 'company id')
    .addOption(dataOption())
    .action(async (o: { company: string; data: string }) => {
      const rows = await withAccounts(o.data, (a) => {
        if (!a.companies.get(o.company)) throw new CliError(`no company "${o.company}"`);
        return a.users.list(o.company);
      });
      for (const u of rows) console.log(`${u.user_id}\t${u.role}\t${u.display_name ?? ''}${u.disabled ? '\t(disabled)' : ''}`);
    });
  return user;
}
