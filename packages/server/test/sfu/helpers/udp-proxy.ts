/**
 * A UDP relay between one client and the SFU that can drop chosen SFU → client packets, to
 * simulate loss on loopback. SRTP leaves the RTP header in clear, so packets are chosen by SSRC
 * and sequence number.
 */
import dgram from 'node:dgram';

export class LossyProxy {
  private readonly socket = dgram.createSocket('udp4');
  private client: { address: string; port: number } | undefined;
  /** Return true to drop a packet going to the client. */
  dropDownstream: (packet: Buffer) => boolean = () => false;
  dropped = 0;

  private constructor(private readonly targetPort: number) {}

  static async start(targetPort: number): Promise<LossyProxy> {
    const p = new LossyProxy(targetPort);
    p.socket.on('message', (msg, rinfo) => p.onMessage(msg, rinfo));
    await new Promise<void>((resolve) => p.socket.bind(0, '127.0.0.1', resolve));
    return p;
  }

  get port(): number {
    return this.socket.address().port;
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (rinfo.port === this.targetPort) {
      if (!this.client) return;
      if (this.dropDownstream(msg)) {
        this.dropped++;
        return;
      }
      this.socket.send(msg, this.client.port, this.client.address);
    } else {
      this.client = { address: rinfo.address, port: rinfo.port };
      this.socket.send(msg, this.targetPort, '127.0.0.1');
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** RTP (not RTCP, STUN or DTLS) packet's SSRC and sequence number, from the clear SRTP header. */
export function rtpIds(packet: Buffer): { ssrc: number; seq: number } | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  const pt = packet[1]! & 0x7f;
  if (pt >= 64 && pt <= 95) return undefined;
  return { ssrc: packet.readUInt32BE(8), seq: packet.readUInt16BE(2) };
}
