/**
 * Entry point of the media plane. Every peer connection joins one UDP socket (libjuice's ICE UDP
 * mux: enableIceUdpMux with portRangeBegin = portRangeEnd = udpPort). `createSfu` first checks
 * the port can be bound. With a wildcard bind address an IceUdpMuxListener also keeps the port
 * bound while the SFU lives; with a specific address it is bound only while a peer connection
 * exists, because libdatachannel 0.24's IceUdpMuxListener never releases a port it bound to a
 * specific address (measured: still bound after stop()). One 250 ms timer drives the periodic
 * work of every router.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import nodeDataChannel, { type IceUdpMuxListener } from 'node-datachannel';
import { silentLogger, zeroStats, type SfuContext } from './context.js';
import { conflict, invalid, SfuError } from './errors.js';
import { RouterImpl, validateId } from './router.js';
import type { Router, Sfu, SfuOptions, SfuStats } from './types.js';

const TICK_MS = 250;

class SfuImpl implements Sfu {
  private readonly routers = new Map<string, RouterImpl>();
  private readonly listener: IceUdpMuxListener | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly ctx: SfuContext) {
    const o = ctx.options;
    if (o.bindAddress === '0.0.0.0' || o.bindAddress === '::') {
      try {
        this.listener = new nodeDataChannel.IceUdpMuxListener(o.udpPort);
      } catch (err) {
        throw new SfuError('UNAVAILABLE', `cannot bind UDP port ${o.udpPort}: ${(err as Error).message}`, { cause: err });
      }
      this.listener.onUnhandledStunRequest((req) => {
        ctx.logger.debug({ ufrag: req.ufrag, host: req.host, port: req.port }, 'sfu STUN request for no known connection');
      });
    }
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    ctx.counters.timers++;
  }

  get udpPort(): number {
    return this.ctx.options.udpPort;
  }

  get announcedAddress(): string {
    return this.ctx.options.announcedAddress;
  }

  createRouter(id: string): Router {
    if (this.closed) throw new SfuError('UNAVAILABLE', 'the SFU is closed');
    validateId('router id', id);
    if (this.routers.has(id)) throw conflict(`router ${id} already exists`);
    const router = new RouterImpl(this.ctx, id, (r) => this.routers.delete(r.id));
    this.routers.set(id, router);
    return router;
  }

  getRouter(id: string): Router | undefined {
    return this.routers.get(id);
  }

  stats(): SfuStats {
    return { ...this.ctx.counters };
  }

  private tick(): void {
    const now = Date.now();
    for (const r of this.routers.values()) {
      try {
        r.tick(now);
      } catch (err) {
        this.ctx.logger.error({ err, routerId: r.id }, 'sfu tick failed');
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of [...this.routers.values()]) r.close();
    clearInterval(this.timer);
    this.ctx.counters.timers--;
    try {
      this.listener?.stop();
    } catch {
      // already stopped
    }
  }
}

/** Binds and releases `address:port` to check it is free; port 0 picks a free port. */
function probeUdpPort(address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(new SfuError('UNAVAILABLE', `cannot bind UDP ${address}:${port}: ${err.message}`, { cause: err }));
    });
    socket.bind(port, address, () => {
      const bound = socket.address().port;
      socket.close(() => resolve(bound));
    });
  });
}

/**
 * Creates the SFU. Rejects with INVALID_ARGUMENT for bad options and UNAVAILABLE when the UDP
 * port cannot be bound. `udpPort: 0` picks a free port (read it back from `sfu.udpPort`).
 */
export async function createSfu(options: SfuOptions): Promise<Sfu> {
  if (typeof options !== 'object' || options === null) throw invalid('SFU options must be an object');
  const { announcedAddress } = options;
  let udpPort = options.udpPort;
  if (!Number.isInteger(udpPort) || udpPort < 0 || udpPort > 65535) throw invalid('udpPort must be an integer in 0..65535');
  if (typeof announcedAddress !== 'string' || net.isIP(announcedAddress) === 0) {
    throw invalid('announcedAddress must be an IPv4 or IPv6 address');
  }
  const bindAddress = options.bindAddress ?? '0.0.0.0';
  if (net.isIP(bindAddress) === 0) throw invalid('bindAddress must be an IPv4 or IPv6 address');
  const publisherVideoBitrate = options.publisherVideoBitrate ?? 3_000_000;
  if (!Number.isFinite(publisherVideoBitrate) || publisherVideoBitrate < 30_000) {
    throw invalid('publisherVideoBitrate must be at least 30000');
  }
  const packetCacheSize = options.packetCacheSize ?? 512;
  if (!Number.isInteger(packetCacheSize) || packetCacheSize < 16 || packetCacheSize > 32768) {
    throw invalid('packetCacheSize must be an integer in 16..32768');
  }
  const extraAddresses = [...new Set(options.extraAddresses ?? [])].filter((a) => a !== announcedAddress);
  if (extraAddresses.some((a) => net.isIP(a) === 0)) throw invalid('extraAddresses must be IP addresses');
  const announcedPortOption = options.announcedPort;
  if (announcedPortOption !== undefined && (!Number.isInteger(announcedPortOption) || announcedPortOption < 1 || announcedPortOption > 65535)) {
    throw invalid('announcedPort must be an integer in 1..65535');
  }
  udpPort = await probeUdpPort(bindAddress, udpPort);
  const announcedPort = announcedPortOption ?? udpPort;
  const ctx: SfuContext = {
    options: { udpPort, bindAddress, announcedAddress, extraAddresses, announcedPort, publisherVideoBitrate, packetCacheSize },
    logger: options.logger ?? silentLogger,
    counters: zeroStats(),
  };
  return new SfuImpl(ctx);
}
