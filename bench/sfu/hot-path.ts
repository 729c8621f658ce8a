/**
 * The SFU's JavaScript forwarding path alone, in process, without sockets: publisher packets
 * go through PublishedTrack.onPacket to downtracks whose send is a no-op. Tells how much of the
 * per-packet CPU is ours rather than libdatachannel's (SRTP, UDP, thread hand-off).
 *
 *   node --import tsx --conditions=development bench/sfu/hot-path.ts [--cpu-prof]
 */
import { silentLogger, zeroStats, type SfuContext } from '../../packages/server/src/sfu/context.js';
import { DownTrack } from '../../packages/server/src/sfu/downtrack.js';
import { EXT_ABS_SEND_TIME, EXT_RID } from '../../packages/server/src/sfu/extensions.js';
import { PublishedTrack } from '../../packages/server/src/sfu/published-track.js';
import { buildRtpPacket } from '../../packages/server/src/sfu/rtp/rtp-packet.js';
import { StreamRewriter } from '../../packages/server/src/sfu/rtp/stream-rewriter.js';
import { buildVp8Payload } from '../../packages/server/src/sfu/rtp/vp8.js';
import type { SubscriberSlot } from '../../packages/server/src/sfu/subscriber-slot.js';

export interface HotPathResult {
  subscribers: number;
  /** µs of JS per forwarded packet (receive share included). */
  usPerForwardedPacket: number;
}

export function measureHotPath(subscribers = 8, packets = 400_000): HotPathResult {
  const ctx: SfuContext = {
    options: { udpPort: 1, bindAddress: '127.0.0.1', announcedAddress: '127.0.0.1', announcedPort: 1, extraAddresses: [], publisherVideoBitrate: 1e6, packetCacheSize: 256 },
    logger: silentLogger,
    counters: zeroStats(),
  };
  const track = new PublishedTrack(ctx, {
    trackId: 't',
    endpointId: 'pub',
    kind: 'video',
    streamKey: 'cam',
    payloadType: 96,
    clockRate: 90000,
    rids: ['q', 'h', 'f'],
    extensions: new Map([
      [EXT_RID, 10],
      [EXT_ABS_SEND_TIME, 2],
    ]),
    ssrcs: [],
  });
  let sink = 0;
  const dts: DownTrack[] = [];
  for (let i = 0; i < subscribers; i++) {
    const slot = {
      mid: String(i),
      open: true,
      rewriter: new StreamRewriter(1000 + i, 90000),
      send(b: Buffer) {
        sink += b[3]!;
        return true;
      },
    } as unknown as SubscriberSlot;
    const dt = new DownTrack(ctx, track, slot, `s${i}`, {}, { layerSwitched() {} });
    dt.activate(new Set([EXT_ABS_SEND_TIME]));
    dt.setLayers(2, 2);
    dts.push(dt);
  }
  // Pre-built packets of layer f (node-datachannel hands a fresh Buffer per packet: copy each).
  const templates = Array.from({ length: 64 }, (_, i) =>
    buildRtpPacket({
      payloadType: 96,
      sequenceNumber: i,
      timestamp: Math.floor(i / 4) * 3000,
      ssrc: 333,
      marker: i % 4 === 3,
      extensions: [
        { id: 10, data: Buffer.from('f') },
        { id: 2, data: Buffer.from([1, 2, 3]) },
      ],
      payload: buildVp8Payload({ keyframe: i === 0, frameStart: i % 4 === 0, pictureId: i >> 2, tl0PicIdx: i >> 2, width: 1280, height: 720, size: 1000 }),
    }),
  );
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const t = templates[i & 63]!;
      const pkt = Buffer.from(t);
      pkt.writeUInt16BE(i & 0xffff, 2);
      pkt.writeUInt32BE(Math.floor(i / 4) * 3000, 4);
      track.onPacket(pkt);
    }
  };
  run(50_000); // warm up the JIT
  const copyOnly = () => {
    let x = 0;
    for (let i = 0; i < packets; i++) x += Buffer.from(templates[i & 63]!)[5]!;
    return x;
  };
  const c0 = process.cpuUsage();
  sink += copyOnly();
  const copyUs = process.cpuUsage(c0).user;
  const before = ctx.counters.forwardedPackets;
  const t0 = process.cpuUsage();
  run(packets);
  const used = process.cpuUsage(t0).user - copyUs; // minus the Buffer copy node-datachannel would do
  const forwarded = ctx.counters.forwardedPackets - before;
  if (sink === -1) console.log(sink);
  for (const dt of dts) dt.close();
  track.close();
  return { subscribers, usPerForwardedPacket: used / forwarded };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const n of [1, 8]) {
    const r = measureHotPath(n);
    console.log(`JS forwarding path, ${n} subscriber(s): ${r.usPerForwardedPacket.toFixed(3)} µs per forwarded packet`);
  }
}
