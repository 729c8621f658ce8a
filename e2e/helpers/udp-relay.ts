import dgram from 'node:dgram';

/**
 * A UDP relay in front of the SFU's port, standing for the network path between browsers and
 * the SFU: `cut()` drops everything both ways (the media path breaks, signalling over TCP does
 * not), `restore()` lets it through again. One upstream socket per client, so the SFU sees each
 * client apart.
 */
export class UdpRelay {
  private readonly socket = dgram.createSocket('udp4');
  private readonly upstreams = new Map<string, dgram.Socket>();
  private cutting = false;
  dropped = 0;

  private constructor(private readonly targetPort: number) {}

  static async start(targetPort: number, port = 0): Promise<UdpRelay> {
    const relay = new UdpRelay(targetPort);
    relay.socket.on('message', (msg, from) => relay.fromClient(msg, from));
    await new Promise<void>((resolve) => relay.socket.bind(port, '127.0.0.1', resolve));
    return relay;
  }

  get port(): number {
    return this.socket.address().port;
  }

  private fromClient(msg: Buffer, from: dgram.RemoteInfo): void {
    if (this.cutting) {
      this.dropped++;
      return;
    }
    const key = `${from.address}:${from.port}`;
    let up = this.upstreams.get(key);
    if (!up) {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (reply) => {
        if (this.cutting) this.dropped++;
        else this.socket.send(reply, from.port, from.address);
      });
      socket.bind(0, '127.0.0.1');
      this.upstreams.set(key, (up = socket));
    }
    up.send(msg, this.targetPort, '127.0.0.1');
  }

  cut(): void {
    this.cutting = true;
  }

  restore(): void {
    this.cutting = false;
  }

  close(): Promise<void> {
    for (const s of this.upstreams.values()) s.close();
    this.upstreams.clear();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
