/**
 * A map from a device's key to a number, for numbers rewritten at every fix (times in ms since
 * 1970, which are not small integers). A Map boxes each new value in a fresh heap object that
 * lives until the device's next fix, a second later: long enough to be promoted out of V8's
 * young generation, so at 10,000 drivers each such Map grows the old space by ~160 KB a second
 * until a full collection. Here the values sit in one Float64Array, written in place; the Map
 * holds only each key's slot (a small integer, stored without an allocation).
 */
export class NumberMap {
  private readonly slots = new Map<number, number>();
  private values = new Float64Array(256);
  private readonly free: number[] = [];
  private used = 0;

  get size(): number {
    return this.slots.size;
  }

  has(key: number): boolean {
    return this.slots.has(key);
  }

  get(key: number): number | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.values[slot];
  }

  set(key: number, value: number): this {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.used++;
      if (slot >= this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
      this.slots.set(key, slot);
    }
    this.values[slot] = value;
    return this;
  }

  delete(key: number): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.free.push(slot);
    return true;
  }
}
