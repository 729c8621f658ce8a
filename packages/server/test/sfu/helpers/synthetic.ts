/**
 * node-datachannel peers that publish synthetic RTP (VP8 descriptors, rid and audio level
 * extensions) and subscribe through the SFU, for integration tests and the benchmark.
 */
import nodeDataChannel, { type PeerConnection, type Track } from 'node-datachannel';
import { buildRtpPacket, parseRtpHeader, RtpHeader } from '../../../src/sfu/rtp/rtp-packet.js';
import { buildVp8Payload } from '../../../src/sfu/rtp/vp8.js';
import { buildNack, buildPli, buildReceiverReport, buildRemb, parseRtcp } from '../../../src/sfu/rtp/rtcp.js';
import type { Endpoint, SubscriberTrackDescription } from '../../../src/sfu/index.js';

/** Polls `cond` every 5 ms until it holds; rejects after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const EXT_IDS = { audioLevel: 1, absSendTime: 2, mid: 4, rid: 10 };

/**
 * node-datachannel drops a Track object from its registry only when the Track's onClosed
 * callback has run; one garbage-collected earlier crashes nodeDataChannel.cleanup(). Every Track
 * of the synthetic peers is retained here until then.
 */
const retained = new Set<Track>();
function retain(track: Track): Promise<void> {
  retained.add(track);
  return new Promise((resolve) =>
    track.onClosed(() => {
      retained.delete(track);
      resolve();
    }),
  );
}

/** Tracks of synthetic peers not yet fully closed. */
export function retainedTracks(): number {
  return retained.size;
}

function peer(name: string): PeerConnection {
  return new nodeDataChannel.PeerConnection(name, { iceServers: [], bindAddress: '127.0.0.1' });
}

export interface LayerSpec {
  rid: string;
  ssrc: number;
  width: number;
  height: number;
  packetsPerFrame: number;
}

/** A publisher of one track (audio, or VP8 video with optional simulcast layers). */
export class SyntheticPublisher {
  readonly pc: PeerConnection;
  track: Track | undefined;
  readonly plis: number[] = [];
  readonly nacks: Array<{ ssrc: number; seq: number }> = [];
  readonly rembs: number[] = [];
  readonly receiverReports: number[] = [];
  sent = 0;
  private readonly seq = new Map<number, number>();
  private readonly pid = new Map<number, number>();
  private readonly keyframeDue = new Set<number>();
  private ts = 1000;
  private readonly header = new RtpHeader();
  /** When false, PLIs are recorded but no key frame is produced. */
  answerPli = true;
  /** Size of each video RTP packet's payload. */
  packetBytes = 1000;

  constructor(
    readonly name: string,
    readonly kind: 'audio' | 'video',
    readonly layers: LayerSpec[],
  ) {
    this.pc = peer(name);
    for (const l of layers) {
      this.seq.set(l.ssrc, (l.ssrc * 7) & 0xffff);
      this.pid.set(l.ssrc, l.ssrc & 0x7fff);
      this.keyframeDue.add(l.ssrc);
    }
  }

  /** The offer: one m-line; simulcast rids when there are several layers. */
  createOffer(): string {
    const media = this.kind === 'video' ? new nodeDataChannel.Video('0', 'SendOnly') : new nodeDataChannel.Audio('0', 'SendOnly');
    if (this.kind === 'video') (media as InstanceType<typeof nodeDataChannel.Video>).addVP8Codec(96);
    else (media as InstanceType<typeof nodeDataChannel.Audio>).addOpusCodec(111);
    media.parseSdpLine(`a=extmap:${EXT_IDS.absSendTime} http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time`);
    media.parseSdpLine(`a=extmap:${EXT_IDS.mid} urn:ietf:params:rtp-hdrext:sdes:mid`);
    if (this.kind === 'audio') media.parseSdpLine(`a=extmap:${EXT_IDS.audioLevel} urn:ietf:params:rtp-hdrext:ssrc-audio-level`);
    else media.parseSdpLine(`a=extmap:${EXT_IDS.rid} urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id`);
    if (this.layers.length === 1) media.addSSRC(this.layers[0]!.ssrc, this.name, this.name, `${this.name}-${this.kind}`);
    this.track = this.pc.addTrack(media);
    void retain(this.track);
    this.track.onMessage((msg) => this.onRtcp(msg));
    this.pc.setLocalDescription('offer');
    let sdp = this.pc.localDescription()!.sdp;
    if (this.layers.length > 1) {
      const lines = this.layers.map((l) => `a=rid:${l.rid} send`).join('\r\n');
      sdp = sdp.replace(/(a=mid:0\r?\n)/, `$1${lines}\r\na=simulcast:send ${this.layers.map((l) => l.rid).join(';')}\r\n`);
    }
    return sdp;
  }

  setAnswer(sdp: string): void {
    this.pc.setRemoteDescription(sdp, 'answer');
  }

  isConnected(): boolean {
    return this.pc.state() === 'connected' && this.track?.isOpen() === true;
  }

  private onRtcp(msg: Buffer): void {
    parseRtcp(msg, {
      pli: (_s, media) => {
        this.plis.push(media);
        if (this.answerPli) this.keyframeDue.add(media);
      },
      fir: (_s, media) => {
        this.plis.push(media);
        if (this.answerPli) this.keyframeDue.add(media);
      },
      nack: (_s, media, pid, blp) => {
        this.nacks.push({ ssrc: media, seq: pid });
        for (let i = 0; i < 16; i++) if (blp & (1 << i)) this.nacks.push({ ssrc: media, seq: (pid + i + 1) & 0xffff });
      },
      remb: (_s, bitrate) => this.rembs.push(bitrate),
      reportBlock: (_r, b) => this.receiverReports.push(b.ssrc),
    });
  }

  /** Sends one frame on every layer (video) or one 20 ms packet (audio); returns packets sent. */
  sendFrame(options: { audioLevel?: number; onlyLayers?: string[]; forceKeyframe?: boolean } = {}): number {
    const t = this.track;
    if (!t || !t.isOpen()) return 0;
    let n = 0;
    if (this.kind === 'audio') {
      const l = this.layers[0]!;
      const seq = this.seq.get(l.ssrc)!;
      this.ts = (this.ts + 960) >>> 0;
      const pkt = buildRtpPacket({
        payloadType: 111,
        sequenceNumber: seq,
        timestamp: this.ts,
        ssrc: l.ssrc,
        extensions: [{ id: EXT_IDS.audioLevel, data: Buffer.from([0x80 | (options.audioLevel ?? 127)]) }],
        payload: Buffer.alloc(80, seq & 0xff),
      });
      this.seq.set(l.ssrc, (seq + 1) & 0xffff);
      if (t.sendMessageBinary(pkt)) n++;
      this.sent += n;
      return n;
    }
    this.ts = (this.ts + 3000) >>> 0;
    for (const l of this.layers) {
      if (options.onlyLayers && !options.onlyLayers.includes(l.rid)) continue;
      const key = this.keyframeDue.has(l.ssrc) || options.forceKeyframe === true;
      this.keyframeDue.delete(l.ssrc);
      const pid = (this.pid.get(l.ssrc)! + 1) & 0x7fff;
      this.pid.set(l.ssrc, pid);
      for (let i = 0; i < l.packetsPerFrame; i++) {
        const seq = this.seq.get(l.ssrc)!;
        this.seq.set(l.ssrc, (seq + 1) & 0xffff);
        const exts = [{ id: EXT_IDS.absSendTime, data: Buffer.from([1, 2, 3]) }];
        if (this.layers.length > 1) exts.push({ id: EXT_IDS.rid, data: Buffer.from(l.rid) });
        const payload = buildVp8Payload({ keyframe: key, frameStart: i === 0, pictureId: pid, tl0PicIdx: pid & 0xff, width: l.width, height: l.height, size: this.packetBytes });
        payload.writeUInt32BE(seq, 20); // source sequence number and SSRC, so a subscriber can tell
        payload.writeUInt32BE(l.ssrc, 24); // which packet of which layer it got
        const pkt = buildRtpPacket({ payloadType: 96, sequenceNumber: seq, timestamp: this.ts, ssrc: l.ssrc, marker: i === l.packetsPerFrame - 1, extensions: exts, payload });
        if (t.sendMessageBinary(pkt)) n++;
      }
    }
    this.sent += n;
    return n;
  }

  /** Sends raw bytes on the track (malformed input tests). */
  sendRaw(buf: Buffer): void {
    this.track?.sendMessageBinary(buf);
  }

  lastSeq(ssrc: number): number {
    return (this.seq.get(ssrc)! - 1) & 0xffff;
  }

  close(): void {
    try {
      this.track?.close();
    } catch {
      /* closed */
    }
    this.pc.close();
  }

  /** Reads SSRC/seq of a packet (for tests that sniff). */
  parse(buf: Buffer): RtpHeader | undefined {
    return parseRtpHeader(buf, this.header) ? this.header : undefined;
  }
}

export interface ReceivedPacket {
  seq: number;
  ts: number;
  pt: number;
  payload: Buffer;
  pictureId: number;
  at: number;
}

/** A subscriber: answers the SFU's offers on its own, records RTP per mid. */
export class SyntheticSubscriber {
  readonly pc: PeerConnection;
  readonly tracks = new Map<string, Track>();
  /** mid → packets received. */
  readonly received = new Map<string, ReceivedPacket[]>();
  /** mid → what the SFU said the m-line carries. */
  readonly mapping = new Map<string, SubscriberTrackDescription>();
  readonly ssrcByMid = new Map<string, number>();
  offers = 0;
  keepPackets = true;
  receivedCount = 0;
  private readonly header = new RtpHeader();
  private readonly unsubscribe: () => void;

  constructor(
    readonly name: string,
    readonly endpoint: Endpoint,
    options: {
      /** Rewrites each offer before use (e.g. to reach the SFU through a proxy). */
      rewriteOffer?: (sdp: string) => string;
      /** Give the SFU no candidate at all, neither trickled nor in answers (default false). */
      hideCandidates?: boolean;
    } = {},
  ) {
    this.pc = peer(name);
    const trickle = !options.hideCandidates;
    const rewrite = options.rewriteOffer ?? ((sdp: string) => sdp);
    this.pc.onTrack((t) => {
      void retain(t);
      const mid = t.mid();
      this.tracks.set(mid, t);
      t.onMessage((msg) => this.onPacket(mid, msg));
    });
    this.pc.onLocalCandidate((candidate, mid) => {
      try {
        if (trickle && !this.endpoint.closed) this.endpoint.addIceCandidate('subscriber', candidate, mid);
      } catch {
        // endpoint gone meanwhile
      }
    });
    const offCandidate = endpoint.on('subscriberCandidate', ({ candidate, sdpMid }) => {
      const sdp = rewrite(`a=${candidate}\r\n`);
      this.pc.addRemoteCandidate(sdp.slice(2).trim(), sdpMid);
    });
    const offOffer = endpoint.on('subscriberOffer', ({ sdp, tracks }) => {
      this.offers++;
      for (const t of tracks) this.mapping.set(t.mid, t);
      for (const m of sdp.matchAll(/a=mid:(\S+)[\s\S]*?a=ssrc:(\d+) cname/g)) this.ssrcByMid.set(m[1]!, Number(m[2]));
      // Answer asynchronously, like a browser behind a WebSocket would.
      setImmediate(() => {
        if (this.endpoint.closed) return;
        this.pc.setRemoteDescription(rewrite(sdp), 'offer');
        const answer = this.pc.localDescription()!.sdp;
        this.endpoint.setSubscriberAnswer(trickle ? answer : answer.replace(/a=candidate:[^\r\n]*\r?\n/g, ''));
      });
    });
    this.unsubscribe = () => {
      offCandidate();
      offOffer();
    };
  }

  private onPacket(mid: string, msg: Buffer): void {
    const h = this.header;
    if (!parseRtpHeader(msg, h)) return;
    this.receivedCount++;
    if (!this.keepPackets) return;
    let list = this.received.get(mid);
    if (!list) {
      list = [];
      this.received.set(mid, list);
    }
    const payload = msg.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength);
    const pictureId = payload.length > 3 && payload[0]! & 0x80 && payload[1]! & 0x80 ? ((payload[2]! & 0x7f) << 8) | payload[3]! : -1;
    list.push({ seq: h.sequenceNumber, ts: h.timestamp, pt: h.payloadType, payload: Buffer.from(payload), pictureId, at: Date.now() });
  }

  midOf(trackId: string): string | undefined {
    for (const [mid, t] of this.mapping) if (t.trackId === trackId) return mid;
    return undefined;
  }

  count(trackId: string): number {
    const mid = this.midOf(trackId);
    return mid === undefined ? 0 : (this.received.get(mid)?.length ?? 0);
  }

  packets(trackId: string): ReceivedPacket[] {
    const mid = this.midOf(trackId);
    return mid === undefined ? [] : (this.received.get(mid) ?? []);
  }

  sendPli(trackId: string): void {
    const mid = this.midOf(trackId)!;
    this.tracks.get(mid)!.sendMessageBinary(buildPli(1, this.ssrcByMid.get(mid)!));
  }

  sendNack(trackId: string, seqs: number[]): void {
    const mid = this.midOf(trackId)!;
    this.tracks.get(mid)!.sendMessageBinary(buildNack(1, this.ssrcByMid.get(mid)!, seqs));
  }

  /** A receiver report for the m-line of `trackId` claiming `fractionLost`. */
  sendReceiverReport(trackId: string, fractionLost: number): void {
    const mid = this.midOf(trackId)!;
    const last = this.received.get(mid)?.at(-1)?.seq ?? 0;
    const rr = buildReceiverReport(1, [
      { ssrc: this.ssrcByMid.get(mid)!, fractionLost, cumulativeLost: 0, highestSeq: last, jitter: 0, lastSr: 0, delaySinceLastSr: 0 },
    ]);
    this.tracks.get(mid)!.sendMessageBinary(rr);
  }

  /** A REMB for the m-line of `trackId`. */
  sendRemb(trackId: string, bitrate: number): void {
    const mid = this.midOf(trackId)!;
    this.tracks.get(mid)!.sendMessageBinary(buildRemb(1, bitrate, [this.ssrcByMid.get(mid)!]));
  }

  isConnected(): boolean {
    return this.pc.state() === 'connected';
  }

  close(): void {
    this.unsubscribe();
    for (const t of this.tracks.values()) {
      try {
        t.close();
      } catch {
        /* closed */
      }
    }
    this.pc.close();
  }
}

/** Publishes `pub` through `endpoint`: offer, answer, trickled candidates. */
export function connectPublisher(endpoint: Endpoint, pub: SyntheticPublisher, trackId: string, streamKey: string): void {
  // Candidates go to the SFU only once the publisher holds the answer: libdatachannel verifies
  // the DTLS fingerprint as soon as the handshake arrives, and fails if the answer is not set yet
  // (browsers wait for it instead).
  let answered = false;
  const queued: Array<[string, string]> = [];
  const send = (candidate: string, mid: string) => {
    try {
      if (!endpoint.closed) endpoint.addIceCandidate({ publisher: trackId }, candidate, mid);
    } catch {
      // unpublished meanwhile
    }
  };
  pub.pc.onLocalCandidate((candidate, mid) => (answered ? send(candidate, mid) : queued.push([candidate, mid])));
  const offer = pub.createOffer().replace(/a=candidate:[^\r\n]*\r?\n/g, '');
  const { answer } = endpoint.publish({ trackId, kind: pub.kind, streamKey, offer });
  pub.setAnswer(answer);
  answered = true;
  for (const [c, m] of queued.splice(0)) send(c, m);
}
