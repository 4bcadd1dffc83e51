/**
 * A count and an order-free digest of a multiset of event ids, so the JSON Lines read and the Parquet written
 * can be compared without holding a day's ids: two tallies are equal when both saw the same ids the same
 * number of times (up to a 2^-64 chance for a different multiset). Each id is hashed with two 32-bit FNV-1a
 * lanes of different offsets, and the hashes are summed per lane modulo 2^32.
 * @module
 */

export class EventIdTally {
  count = 0;
  private low = 0;
  private high = 0;

  add(eventid: string | null): void {
    this.count++;
    // null (a line without an id) hashes apart from every string: the lanes start from other offsets.
    const text = eventid ?? "";
    let a = eventid === null ? 0x01000193 : 0x811c9dc5;
    let b = eventid === null ? 0x050c5d1f : 0xcbf29ce4;
    for (let index = 0; index < text.length; index++) {
      const unit = text.charCodeAt(index);
      a = Math.imul(a ^ unit, 0x01000193);
      b = Math.imul(b ^ unit, 0x01000193) ^ (b >>> 15);
    }
    this.low = (this.low + (a >>> 0)) >>> 0;
    this.high = (this.high + (b >>> 0)) >>> 0;
  }

  equals(other: EventIdTally): boolean {
    return this.count === other.count && this.low === other.low && this.high === other.high;
  }

  /** For a log line or an error: the count and the digest in hex. */
  describe(): string {
    return `${this.count} ids, digest ${this.high.toString(16).padStart(8, "0")}${this.low.toString(16).padStart(8, "0")}`;
  }
}
