/** This phone's enrolment, kept in localStorage: the device key and what the screen shows. */
import type { DriverSession, DriverSettings } from '../../../shared/api/schemas';

export interface SavedDevice {
  device_key: string;
  user_id: string;
  company_id: string;
  company_name: string;
  name: string;
  settings: DriverSettings;
}

const KEY = 'fleetdesk.driver.device';
const DUTY_KEY = 'fleetdesk.driver.duty';

export function loadDevice(): SavedDevice | null {
  try {
    const raw = localStorage.getItem(KEY);
    const d = raw ? (JSON.parse(raw) as SavedDevice) : null;
    return d && typeof d.device_key === 'string' && typeof d.user_id === 'string' ? d : null;
  } catch {
    return null;
  }
}

export function saveDevice(s: DriverSession): SavedDevice {
  const d: SavedDevice = {
    device_key: s.device_key,
    user_id: s.user_id,
    company_id: s.company_id,
    company_name: s.company_name,
    name: s.name,
    settings: s.settings,
  };
  localStorage.setItem(KEY, JSON.stringify(d));
  return d;
}

export function forgetDevice(): void {
  localStorage.removeItem(KEY);
  localStorage.removeItem(DUTY_KEY);
}

/** On duty survives a reload: tracking resumes by itself. */
export function loadDuty(): boolean {
  return localStorage.getItem(DUTY_KEY) === '1';
}

export function saveDuty(on: boolean): void {
  if (on) localStorage.setItem(DUTY_KEY, '1');
  else localStorage.removeItem(DUTY_KEY);
}
