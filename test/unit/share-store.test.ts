/**
 * ShareStore.openOf on a real SQLite file: devices without an open share are answered from
 * memory, and the answer follows every share that opens or ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addCompany } from '../../main/server/accounts';
import { openDatabase } from '../../main/server/store/database';
import { accountsOn } from '../../main/server/open-accounts';
import { ShareStore, type ShareRow } from '../../main/server/store/shares';

function share(id: string, userPk: number): Omit<ShareRow, 'arriving_at' | 'in_zone_since' | 'arrived_at' | 'ended_at'> {
  return {
    id,
    company_id: 'acme',
    user_pk: userPk,
    device_id: `DR_${userPk}`,
    token_hash: `hash-${id}`,
    status: 'active',
    recipient_name: null,
    notes: null,
    order_id: null,
    dest_lat: null,
    dest_lng: null,
    dest_label: null,
    share_config: '{}',
    created_at: 1_000,
    created_by: null,
    expires_at: 10_000_000,
  };
}

test('openOf follows shares opening and ending, also across a reopened store', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdesk-shares-'));
  const db = openDatabase(dir);
  try {
    addCompany(accountsOn(db, dir), 'Acme', 'acme');
    const store = new ShareStore(db);
    assert.deepEqual(store.openOf(7), [], 'nothing shared yet');
    store.insert(share('s1', 7));
    store.insert(share('s2', 7));
    store.insert(share('s3', 8));
    assert.deepEqual(store.openOf(7).map((s) => s.id).sort(), ['s1', 's2']);
    assert.deepEqual(store.openOf(8).map((s) => s.id), ['s3']);
    assert.deepEqual(store.openOf(9), []);
    store.update('acme', 's1', { status: 'completed', ended_at: 2_000 });
    assert.deepEqual(store.openOf(7).map((s) => s.id), ['s2'], 'an ended share is no longer open');
    store.update('acme', 's2', { status: 'cancelled', ended_at: 2_000 });
    assert.deepEqual(store.openOf(7), [], 'the device has no open share left');
    assert.deepEqual(store.openOf(8).map((s) => s.id), ['s3'], 'the other device keeps its share');
    // A store opened later (a restart) reads the open shares from the file.
    const again = new ShareStore(db);
    assert.deepEqual(again.openOf(8).map((s) => s.id), ['s3']);
    assert.deepEqual(again.openOf(7), []);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
