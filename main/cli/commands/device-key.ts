import { Command } from 'commander';
import { requireDriver, rotateDeviceKey } from '../../server/devices/device-keys';
import { dataOption } from '../data-option';
import { withAccounts } from '../open-accounts';

export function deviceKeyCommand(): Command {
  return new Command('device-key')
    .description("print a driver's device key: the identifier its phone reports with in every protocol")
    .requiredOption('--company <id>', 'company id')
    .requiredOption('--user <user_id>', 'driver user id')
    .option('--rotate', 'replace it with a new random key first (the old key and the driver’s tokens stop working)')
    .addOption(dataOption())
    .action(async (o: { company: string; user: string; rotate?: boolean; data: string }) => {
      const key = await withAccounts(o.data, (a) => (o.rotate ? rotateDeviceKey(a, o.company, o.user) : requireDriver(a, o.company, o.user)).device_key);
      console.log(key);
    });
}
