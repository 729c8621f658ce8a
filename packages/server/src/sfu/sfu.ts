/**
 * Entry point of the media plane: `createSfu` binds the one UDP port (an IceUdpMuxListener keeps
 * it bound while the SFU lives; every peer connection joins it with enableIceUdpMux) and runs
 * one 250 ms timer for the periodic work of every router.
 */
import net from 'node:net';
import nodeDataChannel, { type IceUdpMuxListener } from 'node-datachannel';
import { silentLogger, zeroStats, type SfuContext } from './context.js';
import { conflict, invalid, SfuError } from './errors.js';
import { RouterImpl, validateId } from './router.js';
import type { Router, Sfu, SfuOptions, SfuStats } from './types.js';

const TICK_MS = 250;

class SfuImpl implements Sfu {
  private readonly routers = new Map<string, RouterImpl>();
  private readonly listener: IceUdpMuxListener;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly ctx: SfuContext) {
    const o = ctx.options;
    try {
      this.listener = new nodeDataChannel.IceUdpMuxListener(o.udpPort, o.bindAddress);
    } catch (err) {
      throw new SfuError('UNAVAILABLE', `cannot bind UDP ${o.bindAddress}:${o.udpPort}: ${(err as Error).message}`, { cause: err });
    }
    this.listener.onUnhandledStunRequest((req) => {
      ctx.logger.debug({ ufrag: req.ufrag, host: req.host, port: req.port }, 'sfu STUN request for no known connection');
    });
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
      this.listener.stop();
    } catch {
      // already stopped
    }
  }
}

export function createSfu(options: SfuOptions): Sfu {
  if (typeof options !== 'object' || options === null) throw invalid('SFU options must be an object');
  const { udpPort, announcedAddress } = options;
  if (!Number.isInteger(udpPort) || udpPort < 1 || udpPort > 65535) throw invalid('udpPort must be an integer in 1..65535');
  if (typeof announcedAddress !== 'string' || net.isIP(announcedAddress) === 0) {
    throw invalid('announcedAddress must be an IPv4 or IPv6 address');
  }
  const bindAddress = options.bindAddress ?? '0.0.0.0';
  if (net.isIP(bindAddress) === 0) throw invalid('bindAddress must be an IPv4 or IPv6 address');
  const publisherVideoBitrate = options.publisherVideoBitrate ?? 3_000_000;
  if (!Number.isFinite(publisherVideoBitrate) || publisherVideoBitrate < 30_000) {
    throw invalid('publisherVideoBitrate must be at least 30000');
  }
  const packetCacheSize = options.packetCacheSize ?? 1024;
  if (!Number.isInteger(packetCacheSize) || packetCacheSize < 16 || packetCacheSize > 32768) {
    throw invalid('packetCacheSize must be an integer in 16..32768');
  }
  const ctx: SfuContext = {
    options: { udpPort, bindAddress, announcedAddress, publisherVideoBitrate, packetCacheSize },
    logger: options.logger ?? silentLogger,
    counters: zeroStats(),
  };
  return new SfuImpl(ctx);
}
