import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { missingV8Flags, SERVER_V8_FLAGS } from '../../main/server/v8-flags';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('npm run serve starts node with exactly the V8 flags declared in v8-flags.ts', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const serve = pkg.scripts.serve ?? '';
  const flags = /\bnode ((?:--\S+ )*)out\/cli\.cjs serve$/.exec(serve);
  assert.ok(flags, `the serve script runs node on the bundle: ${serve}`);
  assert.deepEqual(flags[1]!.trim().split(' ').filter(Boolean), [...SERVER_V8_FLAGS]);
});

test('missingV8Flags names the flags a process was started without', () => {
  assert.deepEqual(missingV8Flags([]), [...SERVER_V8_FLAGS]);
  assert.deepEqual(missingV8Flags(['--inspect', ...SERVER_V8_FLAGS]), []);
});

test("this machine's node takes every flag (a misspelt V8 flag stops node with \"bad option\")", () => {
  const argv = execFileSync(process.execPath, [...SERVER_V8_FLAGS, '-p', 'JSON.stringify(process.execArgv)'], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(argv), [...SERVER_V8_FLAGS, '-p', 'JSON.stringify(process.execArgv)']);
});
