/** The tray: server status, the LAN addresses phones use (copyable), open and quit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTray, trayMenuTemplate } from '../../main/electron/tray';
import { createElectronStub } from '../support/electron-stub';

const click = (item: { click?: unknown }) => (item.click as () => void)();

test('the menu shows the port, one copy item per LAN address, open and quit', () => {
  const e = createElectronStub();
  const calls: string[] = [];
  const tray = createTray(
    { Tray: e.api.Tray, Menu: e.api.Menu, clipboard: e.api.clipboard, iconPath: '/app/out/tray.png' },
    { port: 8765, lanAddresses: ['192.168.1.23', '10.0.0.5'] },
    { open: () => calls.push('open'), quit: () => calls.push('quit') },
  );
  const t = e.trays[0]!;
  assert.equal(t.image, '/app/out/tray.png');
  assert.equal(t.tooltip, 'FleetDesk: server running on :8765');
  assert.deepEqual(
    t.menu!.items.filter((i) => i.type !== 'separator').map((i) => i.label),
    ['Server running on :8765', 'Phones on this network connect to:', 'Copy http://192.168.1.23:8765', 'Copy http://10.0.0.5:8765', 'Open FleetDesk', 'Quit FleetDesk'],
  );
  click(t.item('Copy http://10.0.0.5:8765'));
  assert.equal(e.clipboard.text, 'http://10.0.0.5:8765');
  click(t.item('Open FleetDesk'));
  t.emit('click');
  click(t.item('Quit FleetDesk'));
  assert.deepEqual(calls, ['open', 'open', 'quit']);

  tray.update({ port: 40123, lanAddresses: [] });
  assert.equal(t.item('Server running on :40123').enabled, false);
  assert.equal(t.item('No local network address').enabled, false);
  assert.equal(t.menu!.items.some((i) => /^Copy/.test(i.label ?? '')), false);
  tray.destroy();
  assert.equal(t.destroyed, true);
});

test('the status lines cannot be clicked', () => {
  const items = trayMenuTemplate({ port: 8765, lanAddresses: ['192.168.1.23'] }, { open() {}, quit() {}, copy() {} });
  assert.equal(items[0]!.enabled, false);
  assert.equal(items.find((i) => i.label === 'Phones on this network connect to:')!.enabled, false);
});
