/** shell.openExternal gets only URLs that parse as http: or https:. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { externalUrl, openExternalSafely } from '../../main/electron/external-links';
import { createElectronStub } from '../support/electron-stub';

test('http and https URLs are opened, normalised by the URL parser', async () => {
  const e = createElectronStub();
  assert.equal(await openExternalSafely(e.api.shell, 'https://www.openstreetmap.org/copyright'), true);
  assert.equal(await openExternalSafely(e.api.shell, 'HTTP://Example.COM/a b?q=1'), true);
  assert.deepEqual(e.opened, ['https://www.openstreetmap.org/copyright', 'http://example.com/a%20b?q=1']);
});

test('every other scheme, malformed text and non-strings are refused and never reach the shell', async () => {
  const e = createElectronStub();
  const refused: unknown[] = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'mailto:someone@example.com',
    'ftp://example.com/file',
    'about:blank',
    '//example.com/no-scheme',
    '/relative/path',
    'https://',
    'not a url',
    'http://user:pass@example.com/',
    'https://bank.example@evil.example/',
    '',
    'https://example.com/' + 'x'.repeat(9000),
    42,
    null,
    undefined,
    { href: 'https://example.com' },
  ];
  for (const raw of refused) {
    assert.equal(externalUrl(raw), null, `externalUrl(${JSON.stringify(raw)})`);
    assert.equal(await openExternalSafely(e.api.shell, raw), false, `open ${JSON.stringify(raw)}`);
  }
  assert.deepEqual(e.opened, []);
});
