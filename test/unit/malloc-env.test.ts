import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { missingMallocSettings, SERVER_MALLOC_ENV } from '../../main/server/malloc-env';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('npm run serve starts the server with exactly the allocator settings declared in malloc-env.ts', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const serve = pkg.scripts.serve ?? '';
  const launch = /^cross-env ((?:\S+=\S+ )+)node (?:--\S+ )*out\/cli\.cjs serve$/.exec(serve.slice(serve.indexOf('cross-env ')));
  assert.ok(launch, `the serve script sets the environment through cross-env: ${serve}`);
  const set = Object.fromEntries(
    launch[1]!
      .trim()
      .split(' ')
      .map((w) => w.split('=') as [string, string]),
  );
  assert.deepEqual(set, SERVER_MALLOC_ENV);
});

test('the settings are missing only on Linux, and only those not set to our values', () => {
  assert.deepEqual(missingMallocSettings({}, 'darwin'), []);
  assert.deepEqual(missingMallocSettings({}, 'win32'), []);
  assert.deepEqual(missingMallocSettings({}, 'linux'), ['MALLOC_ARENA_MAX=2', 'MALLOC_TRIM_THRESHOLD_=131072']);
  assert.deepEqual(missingMallocSettings({ MALLOC_ARENA_MAX: '8', MALLOC_TRIM_THRESHOLD_: '131072' }, 'linux'), ['MALLOC_ARENA_MAX=2']);
  assert.deepEqual(missingMallocSettings({ ...SERVER_MALLOC_ENV }, 'linux'), []);
});

// A misspelt name (MALLOC_TRIM_THRESHOLD without glibc's trailing underscore, say) would be
// ignored without a word: ask this machine's glibc loader what it makes of them.
const loader = ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1'].find((f) => fs.existsSync(f));

test('glibc reads the settings under these names', { skip: loader ? false : 'no glibc loader on this machine' }, () => {
  const tunables = (env: NodeJS.ProcessEnv) => execFileSync(loader!, ['--list-tunables'], { env, encoding: 'utf8' });
  const value = (out: string, tunable: string) => Number(out.match(new RegExp(`^glibc\\.malloc\\.${tunable}: (0x[0-9a-f]+)`, 'm'))?.[1]);
  const tunableOf: Record<string, string> = { MALLOC_ARENA_MAX: 'arena_max', MALLOC_TRIM_THRESHOLD_: 'trim_threshold' };
  assert.deepEqual(Object.keys(tunableOf).sort(), Object.keys(SERVER_MALLOC_ENV).sort());
  const ours = tunables({ ...SERVER_MALLOC_ENV });
  for (const [name, tunable] of Object.entries(tunableOf)) {
    assert.equal(value(ours, tunable), Number(SERVER_MALLOC_ENV[name]), name);
    // our trim threshold is glibc's default value (what matters is that it is set, so glibc no
    // longer raises it): another value shows that glibc reads the name at all
    const other = Number(SERVER_MALLOC_ENV[name]) + 1;
    assert.equal(value(tunables({ [name]: String(other) }), tunable), other, `${name} is read`);
  }
  assert.equal(value(tunables({}), 'arena_max'), 0, "glibc's default: no limit (8 arenas per core)");
});
