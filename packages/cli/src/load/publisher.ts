/**
 * One published source on its own node-datachannel peer connection, as the browser SDK does it
 * (docs/sfu.md): the offer carries one m-line (video: three rid layers with `a=simulcast`, no
 * SSRC; audio: opus with the audio-level extension), the SFU answers, RTCP feedback (PLI, FIR,
 * NACK, REMB, receiver reports) comes back on the same Track.
 */
import nodeDataChannel, { type PeerConnection, type Track } from 'node-datachannel';
import { forEachNackedSeq, parseRtcp } from '../../../server/src/sfu/rtp/rtcp.js';
import { AudioSource, AUDIO_PAYLOAD_TYPE } from './audio-source.js';
import { EXT } from './packets.js';
import { closePeer, newPeer, retainTrack } from './rtc.js';
import { FPS, simulcastLayers, VIDEO_PAYLOAD_TYPE, VideoSource } from './video-source.js';

export interface FeedbackCounters {
  plis: number;
  firs: number;
  nacks: number;
  rembs: number;
  receiverReports: number;
}

export class PublisherConnection {
  readonly pc: PeerConnection;
  readonly source: VideoSource | AudioSource;
  readonly feedback: FeedbackCounters = { plis: 0, firs: 0, nacks: 0, rembs: 0, receiverReports: 0 };
  track: Track | undefined;
  private readonly intervalMs: number;
  private nextDue = 0;
  private lastSr = 0;
  private answered = false;
  private readonly early: Array<[string, string]> = [];
  /** Frames (or audio packets) skipped because the sender fell behind. */
  late = 0;
  private pcConnected = false;
  private trackOpen = false;

  constructor(
    readonly name: string,
    readonly kind: 'audio' | 'video',
    videoKbps: number,
    bindAddress: string | undefined,
    private readonly sendCandidate: (candidate: string, sdpMid: string) => void,
  ) {
    this.pc = newPeer(name, bindAddress);
    const send = (p: Buffer) => this.track !== undefined && this.track.sendMessageBinary(p);
    this.source = kind === 'video' ? new VideoSource(simulcastLayers(videoKbps), send) : new AudioSource(send);
    this.intervalMs = kind === 'video' ? 1000 / FPS : 20;
    this.pc.onLocalCandidate((candidate, mid) => (this.answered ? this.sendCandidate(candidate, mid) : this.early.push([candidate, mid])));
    this.pc.onStateChange((state) => (this.pcConnected = state === 'connected'));
  }

  /** The offer (candidates are trickled after the answer, as the SDK does). */
  createOffer(): string {
    let media;
    if (this.kind === 'video') {
      const v = new nodeDataChannel.Video('0', 'SendOnly');
      v.addVP8Codec(VIDEO_PAYLOAD_TYPE);
      v.parseSdpLine(`a=extmap:${EXT.rid} urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id`);
      media = v;
    } else {
      const a = new nodeDataChannel.Audio('0', 'SendOnly');
      a.addOpusCodec(AUDIO_PAYLOAD_TYPE);
      a.parseSdpLine(`a=extmap:${EXT.audioLevel} urn:ietf:params:rtp-hdrext:ssrc-audio-level`);
      a.addSSRC((this.source as AudioSource).ssrc, this.name, this.name, `${this.name}-audio`);
      media = a;
    }
    media.parseSdpLine(`a=extmap:${EXT.mid} urn:ietf:params:rtp-hdrext:sdes:mid`);
    const track = this.pc.addTrack(media);
    this.track = track;
    retainTrack(track, () => (this.trackOpen = false));
    track.onOpen(() => (this.trackOpen = true));
    track.onMessage((msg) => this.onRtcp(msg));
    this.pc.setLocalDescription('offer');
    let sdp = this.pc.localDescription()!.sdp.replace(/a=candidate:[^\r\n]*\r?\n/g, '');
    if (this.source instanceof VideoSource) {
      const rids = this.source.layers.map((l) => l.spec.rid);
      const lines = rids.map((r) => `a=rid:${r} send`).join('\r\n');
      sdp = sdp.replace(/(a=mid:0\r?\n)/, `$1${lines}\r\na=simulcast:send ${rids.join(';')}\r\n`);
    }
    return sdp;
  }

  setAnswer(sdp: string): void {
    this.pc.setRemoteDescription(sdp, 'answer');
    this.answered = true;
    for (const [c, m] of this.early.splice(0)) this.sendCandidate(c, m);
  }

  /** The connection is up and the Track open (kept from callbacks: no native call per pump). */
  get connected(): boolean {
    return this.pcConnected && this.trackOpen;
  }

  private onRtcp(msg: Buffer): void {
    const src = this.source;
    parseRtcp(msg, {
      pli: (_s, media) => {
        this.feedback.plis++;
        if (src instanceof VideoSource) src.requestKeyframe(media);
      },
      fir: (_s, media) => {
        this.feedback.firs++;
        if (src instanceof VideoSource) src.requestKeyframe(media);
      },
      nack: (_s, media, pid, blp) => {
        const seqs: number[] = [];
        forEachNackedSeq(pid, blp, (s) => seqs.push(s));
        this.feedback.nacks += seqs.length;
        src.retransmit(media, seqs);
      },
      remb: () => void this.feedback.rembs++,
      reportBlock: () => void this.feedback.receiverReports++,
    });
  }

  /** Sends what is due at `now` (performance.now()); a sender more than 200 ms behind skips ahead. */
  pump(now: number): void {
    if (!this.track || !this.connected) return;
    if (this.nextDue === 0) this.nextDue = now;
    if (now - this.nextDue > 200) {
      const skipped = Math.floor((now - this.nextDue) / this.intervalMs);
      this.late += skipped;
      this.nextDue += skipped * this.intervalMs;
    }
    while (this.nextDue <= now) {
      if (this.source instanceof VideoSource) this.source.sendFrame(this.nextDue);
      else this.source.sendPacket(this.nextDue);
      this.nextDue += this.intervalMs;
    }
    if (now - this.lastSr >= 1000) {
      this.lastSr = now;
      for (const sr of this.source.senderReports(now)) this.track.sendMessageBinary(sr);
    }
  }

  close(): void {
    closePeer(this.pc, this.track ? [this.track] : []);
  }
}
