/**
 * `--loss P`: a UDP relay between one subscriber connection and the SFU that drops P% of the RTP
 * packets going to the subscriber (never STUN, DTLS or RTCP). Loss has to happen before the
 * subscriber's SRTP layer: libsrtp refuses a retransmission of a packet it has already seen, so
 * packets dropped after decryption could never be repaired by NACK.
 */
import dgram from 'node:dgram';

export class LossyRelay {
  private readonly socket: dgram.Socket;
  private client: { address: string; port: number } | undefined;
  dropped = 0;
  forwarded = 0;

  private constructor(
    private readonly target: { address: string; port: number },
    private readonly dropFraction: number,
    private readonly random: () => number,
  ) {
    this.socket = dgram.createSocket(target.address.includes(':') ? 'udp6' : 'udp4');
  }

  /** Starts a relay towards the SFU at `target`, listening on `bindAddress`. */
  static async start(target: { address: string; port: number }, lossPct: number, bindAddress: string, random = Math.random): Promise<LossyRelay> {
    const relay = new LossyRelay(target, lossPct / 100, random);
    relay.socket.on('message', (msg, rinfo) => relay.onMessage(msg, rinfo));
    relay.socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      relay.socket.once('error', reject);
      relay.socket.bind(0, bindAddress, () => {
        relay.socket.off('error', reject);
        resolve();
      });
    });
    return relay;
  }

  get port(): number {
    return this.socket.address().port;
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (rinfo.port === this.target.port && rinfo.address === this.target.address) {
      if (!this.client) return;
      if (isRtp(msg) && this.random() < this.dropFraction) {
        this.dropped++;
        return;
      }
      this.forwarded++;
      this.socket.send(msg, this.client.port, this.client.address);
    } else {
      this.client = { address: rinfo.address, port: rinfo.port };
      this.socket.send(msg, this.target.port, this.target.address);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

/** SRTP (not SRTCP, STUN or DTLS): RFC 7983 first byte 128..191, payload type outside 64..95. */
function isRtp(packet: Buffer): boolean {
  if (packet.length < 12) return false;
  const b0 = packet[0]!;
  if (b0 < 128 || b0 > 191) return false;
  const pt = packet[1]! & 0x7f;
  return pt < 64 || pt > 95;
}

/** Parses an ICE candidate line's address and port ("candidate:… udp prio ADDR PORT typ …"). */
export function candidateAddress(candidate: string): { address: string; port: number } | null {
  const parts = candidate.replace(/^a=/, '').split(/\s+/);
  if (parts.length < 8 || parts[2]!.toLowerCase() !== 'udp') return null;
  const port = Number(parts[5]);
  return Number.isInteger(port) ? { address: parts[4]!, port } : null;
}

/** The same candidate pointing at another address and port. */
export function rewriteCandidate(candidate: string, address: string, port: number): string {
  const parts = candidate.split(' ');
  parts[4] = address;
  parts[5] = String(port);
  return parts.join(' ');
}
