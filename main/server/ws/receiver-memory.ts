/**
 * Keeps `ws`'s frame receiver from promoting every message to the old generation.
 *
 * Each complete message, ws's Receiver swaps its fragments array for a new one
 * (`this._fragments = []`). The new array lives until the driver's next message a second later,
 * so it is promoted; and when that message's data is pushed into it, the pointer from the
 * promoted array to the young backing store keeps the message's bytes (and the socket chunk they
 * view) alive through the next scavenges after the message is done, so they are promoted too
 * (garbage the scavenger cannot see as garbage). At 10,000 drivers that was more than half of
 * everything the server promoted: about 3 MB a second of old space that only a full collection
 * frees.
 *
 * After ws's own dataMessage, the finished message's array is emptied (no pointer left to the
 * message's bytes) and put back in place of the fresh one, so one array per connection is reused
 * for good. Only for a complete message delivered as a Buffer or string: with binaryType
 * 'fragments' the array itself is the message and is left alone. If a later ws changes the
 * Receiver (no dataMessage, another field name), this does nothing and ws works as it ships.
 * Imported once for its effect by ws/track-server.ts; test/unit/receiver-memory.test.ts checks it.
 */
import * as wsModule from 'ws';

interface ReceiverInternals {
  _fragments: unknown[];
  _binaryType: string;
}

type DataMessage = (this: ReceiverInternals, cb: unknown) => void;

const Receiver = (wsModule as unknown as { Receiver?: { prototype: { dataMessage?: DataMessage } } }).Receiver;
const original = Receiver?.prototype.dataMessage;

export const receiverReuse = typeof original === 'function';

if (Receiver && typeof original === 'function') {
  Receiver.prototype.dataMessage = function dataMessage(this: ReceiverInternals, cb: unknown): void {
    const finished = this._fragments;
    original.call(this, cb);
    const fresh = this._fragments;
    if (finished === fresh || !Array.isArray(fresh) || this._binaryType === 'fragments') return;
    finished.length = 0;
    if (fresh.length === 0) this._fragments = finished;
  };
}
