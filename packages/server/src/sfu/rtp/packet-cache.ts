/**
 * Bounded cache of recent RTP packets of one source stream, indexed by sequence number, used to
 * answer NACKs. A ring of `capacity` slots (a power of two): a packet evicts whatever was stored
 * `capacity` sequence numbers before it. Stores references, never copies.
 */

export interface CacheAccounting {
  cachedPackets: number;
}

export class PacketCache {
  private readonly packets: Array<Uint8Array | undefined>;
  private readonly seqs: Int32Array;
  private readonly mask: number;
  private count = 0;

  constructor(
    capacity: number,
    private readonly accounting?: CacheAccounting,
  ) {
    let size = 1;
    while (size < capacity) size <<= 1;
    this.mask = size - 1;
    this.packets = new Array<Uint8Array | undefined>(size).fill(undefined);
    this.seqs = new Int32Array(size).fill(-1);
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  put(seq: number, packet: Uint8Array): void {
    const i = seq & this.mask;
    if (this.packets[i] === undefined) {
      this.count++;
      if (this.accounting) this.accounting.cachedPackets++;
    }
    this.packets[i] = packet;
    this.seqs[i] = seq & 0xffff;
  }

  get(seq: number): Uint8Array | undefined {
    const i = seq & this.mask;
    return this.seqs[i] === (seq & 0xffff) ? this.packets[i] : undefined;
  }

  clear(): void {
    if (this.accounting) this.accounting.cachedPackets -= this.count;
    this.count = 0;
    this.packets.fill(undefined);
    this.seqs.fill(-1);
  }
}
