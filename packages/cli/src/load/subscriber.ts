/**
 * A participant's receiving peer connection: answers the SFU's offers (`sfu.offer` events, applied
 * in order), maps each m-line to whose track it carries, accounts every RTP packet per track, and
 * sends what a browser sends back: NACKs for gaps, receiver reports once a second.
 */
import type { PeerConnection, Track } from 'node-datachannel';
import { buildNack, buildReceiverReport, ntpMiddle, parseRtcp } from '../../../server/src/sfu/rtp/rtcp.js';
import { ReceiveStats } from './receive-stats.js';
import { closePeer, newPeer, retainTrack } from './rtc.js';

export interface TrackRef {
  sessionId: string;
  kind: 'audio' | 'video' | 'screen';
}

/** One m-line and the stream it currently carries. */
interface Slot {
  mid: string;
  ref: TrackRef | null;
  stats: ReceiveStats | null;
  track: Track | null;
  lastSr: number;
  lastSrAt: number;
}

export interface SubscriberSignal {
  answer(sdp: string): Promise<void>;
  candidate(candidate: string, sdpMid: string): void;
}

const SENDER_SSRC = 1;

export class SubscriberConnection {
  readonly pc: PeerConnection;
  private readonly slots = new Map<string, Slot>();
  /** Streams that ended (m-line reused or made inactive); kept for the totals. */
  readonly finished: Array<{ ref: TrackRef; stats: ReceiveStats }> = [];
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  offers = 0;
  firstPacketAt = 0;

  constructor(
    name: string,
    bindAddress: string | undefined,
    private readonly signal: SubscriberSignal,
    /** Keep local candidates out of answers and off the signalling (the --loss relay path). */
    private readonly hideCandidates: boolean,
  ) {
    this.pc = newPeer(name, bindAddress);
    this.pc.onLocalCandidate((candidate, mid) => {
      if (!this.hideCandidates && !this.closed) this.signal.candidate(candidate, mid);
    });
    this.pc.onTrack((track) => {
      retainTrack(track);
      const slot = this.slotOf(track.mid());
      slot.track = track;
      track.onMessage((msg) => this.onMessage(slot, msg));
    });
  }

  private slotOf(mid: string): Slot {
    let slot = this.slots.get(mid);
    if (!slot) {
      slot = { mid, ref: null, stats: null, track: null, lastSr: 0, lastSrAt: 0 };
      this.slots.set(mid, slot);
    }
    return slot;
  }

  /** Applies an offer of the SFU (in arrival order) and sends the answer. */
  handleOffer(sdp: string, tracks: Array<{ mid: string; sessionId: string; kind: TrackRef['kind'] }>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed) return;
      this.offers++;
      const inactive = new Set(inactiveMids(sdp));
      const byMid = new Map(tracks.map((t) => [t.mid, t]));
      for (const mid of new Set([...byMid.keys(), ...this.slots.keys()])) {
        const slot = this.slotOf(mid);
        const t = inactive.has(mid) ? undefined : byMid.get(mid);
        const same = t && slot.ref && slot.ref.sessionId === t.sessionId && slot.ref.kind === t.kind;
        if (same) continue;
        if (slot.ref && slot.stats) this.finished.push({ ref: slot.ref, stats: slot.stats });
        slot.ref = t ? { sessionId: t.sessionId, kind: t.kind } : null;
        slot.stats = null;
      }
      this.pc.setRemoteDescription(sdp, 'offer');
      let answer = this.pc.localDescription()!.sdp;
      if (this.hideCandidates) answer = answer.replace(/a=candidate:[^\r\n]*\r?\n/g, '');
      await this.signal.answer(answer);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  addRemoteCandidate(candidate: string, sdpMid: string): void {
    if (!this.closed) this.pc.addRemoteCandidate(candidate, sdpMid);
  }

  private onMessage(slot: Slot, msg: Buffer): void {
    if (msg.length < 12) return;
    const b1 = msg[1]!;
    if (b1 >= 192 && b1 <= 223) {
      parseRtcp(msg, {
        senderReport: (_ssrc, sec, frac) => {
          slot.lastSr = ntpMiddle(sec, frac);
          slot.lastSrAt = performance.now();
        },
      });
      return;
    }
    if (!slot.ref) return;
    const now = performance.now();
    let stats = slot.stats;
    if (!stats) {
      stats = slot.stats = new ReceiveStats(slot.ref.kind === 'audio' ? 48_000 : 90_000);
      if (this.firstPacketAt === 0) this.firstPacketAt = now;
    }
    const seq = (msg[2]! << 8) | msg[3]!;
    const ts = ((msg[4]! << 24) | (msg[5]! << 16) | (msg[6]! << 8) | msg[7]!) >>> 0;
    const ssrc = ((msg[8]! << 24) | (msg[9]! << 16) | (msg[10]! << 8) | msg[11]!) >>> 0;
    const gone = stats.onPacket(seq, ts, ssrc, msg.length, now);
    if (gone && slot.track) send(slot.track, buildNack(SENDER_SSRC, ssrc, gone));
  }

  /** Every 100 ms: NACKs due again; once a second (`reports`): receiver reports. */
  tick(now: number, reports: boolean): void {
    for (const slot of this.slots.values()) {
      const stats = slot.stats;
      const track = slot.track;
      if (!stats || !track) continue;
      // Calls into node-datachannel are not free: only when there is something to send.
      const due = stats.dueNacks(now);
      if (due.length > 0) send(track, buildNack(SENDER_SSRC, stats.ssrc, due));
      if (reports) {
        const b = stats.reportBlock();
        const dlsr = slot.lastSrAt ? Math.round(((now - slot.lastSrAt) * 65536) / 1000) : 0;
        send(track, buildReceiverReport(SENDER_SSRC, [{ ssrc: stats.ssrc, ...b, lastSr: slot.lastSr, delaySinceLastSr: dlsr }]));
      }
    }
  }

  /** Streams received now and before, with what they carry. */
  streams(): Array<{ ref: TrackRef; stats: ReceiveStats }> {
    const live: Array<{ ref: TrackRef; stats: ReceiveStats }> = [];
    for (const s of this.slots.values()) if (s.ref && s.stats) live.push({ ref: s.ref, stats: s.stats });
    return [...this.finished, ...live];
  }

  /** The live stream carrying `ref`, if any. */
  current(sessionId: string, kind: TrackRef['kind']): ReceiveStats | null {
    for (const s of this.slots.values()) if (s.ref?.sessionId === sessionId && s.ref.kind === kind) return s.stats;
    return null;
  }

  get connected(): boolean {
    return this.pc.state() === 'connected';
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closePeer(
      this.pc,
      [...this.slots.values()].flatMap((s) => (s.track ? [s.track] : [])),
    );
  }
}

/** Sends RTCP on a Track that may have closed meanwhile. */
function send(track: Track, packet: Buffer): void {
  try {
    track.sendMessageBinary(packet);
  } catch {
    // closed
  }
}

/** mids whose m-section says a=inactive (ended subscriptions). */
function inactiveMids(sdp: string): string[] {
  const out: string[] = [];
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const mid = /a=mid:(\S+)/.exec(section)?.[1];
    if (mid !== undefined && /\r?\na=inactive\b/.test(`\n${section}`)) out.push(mid);
  }
  return out;
}
