/**
 * What an ack survives (issue 16, item 3): the connection that commits positions runs with the
 * `synchronous` level asked for — FULL (2) by default, so an acked fix survives a power loss;
 * NORMAL (1) when `--durability normal` trades that for fewer fsyncs. A power loss itself cannot
 * be shown by a test; the pragma that decides it can.
 */
import assert from 'node:assert/strict';
import readline from 'node:readline';
import { test } from 'node:test';
import { openDatabase } from '../../main/server/store/database';
import { runCli, startServe } from '../support/cli';
import { startTestServer, tempDir } from '../support/server';

const synchronous = (db: { pragma: (s: string, o: { simple: true }) => unknown }) => db.pragma('synchronous', { simple: true });

test('the server commits with synchronous=FULL by default and NORMAL when asked; WAL either way', async () => {
  const byDefault = await startTestServer();
  try {
    assert.equal(byDefault.ctx.config.durability, 'full');
    assert.equal(synchronous(byDefault.ctx.db), 2);
    assert.equal(byDefault.ctx.db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    await byDefault.stop();
  }
  const normal = await startTestServer({ durability: 'normal' });
  try {
    assert.equal(synchronous(normal.ctx.db), 1);
    assert.equal(normal.ctx.db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    await normal.stop();
  }
  const full = await startTestServer({ durability: 'full' });
  try {
    assert.equal(synchronous(full.ctx.db), 2);
  } finally {
    await full.stop();
  }
});

test('openDatabase refuses a durability level it does not know, in plain words', () => {
  assert.throws(() => openDatabase(tempDir(), {}, { durability: 'fast' as never }), /durability is "full" or "normal", not "fast"/);
});

test('serve --durability: bad values are one clear line; normal starts and says so in the log', async () => {
  for (const bad of ['FAST', 'off']) {
    const r = runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--https-port', '0', '--osmand-port', '0', '--data', tempDir(), '--durability', bad]);
    assert.equal(r.status, 1, `${bad}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^fleetdesk: --durability is "full" \(an acknowledged position survives a power loss\) or "normal" \(it survives a crash of the server only\), not "/);
  }
  for (const [flags, expected] of [[['--durability', 'normal'], 'normal']] as const) {
    const serve = await startServe(['--host', '127.0.0.1', '--port', '0', '--data', tempDir(), ...flags]);
    try {
      const started = await new Promise<Record<string, unknown>>((resolve) => {
        const seen = (): Record<string, unknown> | undefined =>
          serve
            .stderr()
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as Record<string, unknown>)
            .find((l) => l.msg === 'tracking server started');
        const first = seen();
        if (first) return resolve(first);
        const rl = readline.createInterface({ input: serve.child.stderr! });
        rl.on('line', () => {
          const s = seen();
          if (s) {
            rl.close();
            resolve(s);
          }
        });
      });
      assert.equal(started.durability, expected);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  }
});
