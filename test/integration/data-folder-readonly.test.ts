/**
 * A data folder FleetDesk cannot write (issue 16, item 5): on a read-only file system (a tmpfs
 * mounted here and remounted read-only, where this machine allows mounting: root with
 * CAP_SYS_ADMIN, as on CI), or without write permission (a non-root user: the folder made 0500).
 * `serve` and the CLI say so in one plain line and exit 1, touch nothing, and once the folder is
 * writable again the server starts on it with every record intact and `integrity_check` clean.
 *
 * A folder that turns read-only under a running server is backpressure-read-only.test.ts (Linux
 * refuses to remount a file system read-only while files on it are open for writing; the
 * immutable flag does the same to the open files).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../main/server/store/database';
import { runCli, startServe } from '../support/cli';
import { tempDir } from '../support/server';

interface ReadOnlyFolder {
  data: string;
  /** what makes it read-only here, for the diagnostics */
  how: string;
  /** expected in the refusal */
  says: RegExp;
  readOnly(): void;
  writable(): void;
  cleanup(): void;
}

const run = (cmd: string, args: string[]): boolean => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** A data folder this process can make read-only, or null where it cannot. */
function readOnlyFolder(): ReadOnlyFolder | null {
  const root = tempDir('fleetdesk-readonly-');
  const data = path.join(root, 'data');
  if (process.getuid?.() === 0) {
    // root ignores permission bits: a small file system of its own, remounted read-only
    if (!run('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=0700', 'tmpfs', root])) return null;
    return {
      data,
      how: 'a tmpfs remounted read-only',
      says: /^fleetdesk: the data folder .* is on a read-only file system: FleetDesk keeps its database there and must write to it/,
      readOnly: () => assert.ok(run('mount', ['-o', 'remount,ro', root]), 'remount read-only'),
      writable: () => assert.ok(run('mount', ['-o', 'remount,rw', root]), 'remount read-write'),
      cleanup: () => {
        run('umount', [root]);
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  }
  if (process.platform === 'win32') return null;
  return {
    data,
    how: 'a folder without write permission (0500)',
    says: /^fleetdesk: FleetDesk may not write to the data folder .* \(permission denied\)/,
    readOnly: () => {
      fs.chmodSync(data, 0o500);
      fs.chmodSync(path.join(data, DB_FILE), 0o400);
    },
    writable: () => {
      fs.chmodSync(data, 0o700);
      fs.chmodSync(path.join(data, DB_FILE), 0o600);
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

const folder = readOnlyFolder();
after(() => folder?.cleanup());

const oneLine = (stderr: string, says: RegExp) => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, no stack: ${stderr}`);
  assert.match(lines[0]!, says);
  assert.doesNotMatch(stderr, /unexpected error| {4}at |EROFS|EACCES/);
};

test('a read-only data folder: serve and the CLI refuse in one plain line; writable again, everything is there', { skip: folder ? false : 'this machine can make no folder read-only for this user', timeout: 60_000 }, async (t) => {
  const f = folder!;
  t.diagnostic(f.how);
  assert.equal(runCli(['company', 'add', 'Acme', '--id', 'acme', '--data', f.data]).status, 0);
  for (const id of ['van-1', 'van-2']) assert.equal(runCli(['user', 'add', '--company', 'acme', '--id', id, '--role', 'driver', '--data', f.data]).status, 0);
  const before = fs.readFileSync(path.join(f.data, DB_FILE));

  f.readOnly();
  try {
    await assert.rejects(startServe(['--host', '127.0.0.1', '--port', '0', '--data', f.data, '--log-level', 'warn']), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      oneLine(err.stderr ?? '', f.says);
      return true;
    });
    const add = runCli(['user', 'add', '--company', 'acme', '--id', 'van-3', '--role', 'driver', '--data', f.data]);
    assert.equal(add.status, 1);
    oneLine(add.stderr, f.says);
    const list = runCli(['user', 'list', '--company', 'acme', '--data', f.data]);
    assert.equal(list.status, 1, 'the CLI opens the database for writing too (migrations): refused the same way');
    oneLine(list.stderr, f.says);
  } finally {
    f.writable();
  }
  assert.deepEqual(fs.readFileSync(path.join(f.data, DB_FILE)), before, 'nothing written while read-only');

  const serve = await startServe(['--host', '127.0.0.1', '--port', '0', '--data', f.data, '--log-level', 'warn']);
  try {
    const res = await fetch(`${serve.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await res.arrayBuffer();
    assert.equal(res.status, 400, 'the server answers');
  } finally {
    serve.child.kill('SIGTERM');
    assert.equal((await serve.exited).code, 0, serve.stderr());
  }
  const users = runCli(['user', 'list', '--company', 'acme', '--data', f.data]);
  assert.equal(users.status, 0, users.stderr);
  for (const id of ['van-1', 'van-2']) assert.match(users.stdout, new RegExp(id));
  const db = new Database(path.join(f.data, DB_FILE), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
});
