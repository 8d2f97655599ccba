/** The demo's accounts: one company, its admin and its drivers, through the same rules as the CLI. */
import { addCompany, addUser, type Accounts } from '../server/accounts';
import type { DriverProfile } from './fleet';

export const DEMO_COMPANY_ID = 'demo';
export const DEMO_COMPANY_NAME = 'Demo Logistics';
export const DEMO_ADMIN_ID = 'admin';

export async function provisionDemo(accounts: Accounts, drivers: readonly DriverProfile[], adminPassword: string): Promise<void> {
  addCompany(accounts, DEMO_COMPANY_NAME, DEMO_COMPANY_ID);
  await addUser(accounts, {
    companyId: DEMO_COMPANY_ID,
    userId: DEMO_ADMIN_ID,
    role: 'admin',
    display_name: 'Demo Dispatcher',
    password: adminPassword,
  });
  for (const d of drivers) {
    await addUser(accounts, {
      companyId: DEMO_COMPANY_ID,
      userId: d.userId,
      role: 'driver',
      display_name: d.displayName,
      first_name: d.firstName,
      last_name: d.lastName,
      phone: d.phone,
      vehicle_plate: d.plate,
    });
  }
}
