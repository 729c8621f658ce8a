/**
 * The baseline: a bare node-datachannel relay on the same single UDP port. Per packet it does
 * what no forwarder can avoid — receive, rewrite the SSRC, send to each subscriber — and nothing
 * else (no parsing, no caches, no sequence rewriting, no RTCP handling).
 * Signalling reuses the SFU's SDP helpers; it happens before the measured window.
 */
import nodeDataChannel, { type PeerConnection, type Track } from 'node-datachannel';
import {
  finalizePublisherAnswer,
  finalizeSubscriberOffer,
  hostCandidate,
  preparePublisherOffer,
} from '../../packages/server/src/sfu/sdp.js';
import type { SubscriberTrackDescription } from '../../packages/server/src/sfu/index.js';
import type { Forwarder } from './protocol.js';

interface Output {
  track: Track;
  ssrc: number;
}

export class BareRelay implements Forwarder {
  private readonly pcs = new Map<string, PeerConnection>();
  private readonly outputs = new Map<string, Output[]>();
  private readonly held = new Set<Track>();
  private packets = 0;
  private bytes = 0;

  constructor(
    readonly udpPort: number,
    private readonly onOffer: (endpointId: string, sdp: string, tracks: SubscriberTrackDescription[]) => void,
    private readonly onCandidate: (endpointId: string, candidate: string, mid: string) => void,
  ) {}

  private pc(name: string): PeerConnection {
    const pc = new nodeDataChannel.PeerConnection(name, {
      iceServers: [],
      enableIceUdpMux: true,
      portRangeBegin: this.udpPort,
      portRangeEnd: this.udpPort,
      bindAddress: '127.0.0.1',
    });
    this.pcs.set(name, pc);
    return pc;
  }

  private hold(track: Track): void {
    this.held.add(track);
    track.onClosed(() => this.held.delete(track));
  }

  publish(endpointId: string, trackId: string, offer: string): string {
    const info = preparePublisherOffer(offer, 'video');
    const pc = this.pc(`pub:${endpointId}:${trackId}`);
    pc.onTrack((track) => {
      this.hold(track);
      let outs = this.outputs.get(trackId);
      if (!outs) this.outputs.set(trackId, (outs = []));
      const list = outs;
      track.onMessage((buf) => {
        const pt = buf[1]! & 0x7f;
        if (pt >= 64 && pt <= 95) return; // RTCP
        for (let i = 0; i < list.length; i++) {
          const o = list[i]!;
          buf.writeUInt32BE(o.ssrc, 8);
          o.track.sendMessageBinary(buf);
          this.packets++;
          this.bytes += buf.length;
        }
      });
    });
    pc.setRemoteDescription(info.sdp, 'offer');
    return finalizePublisherAnswer(pc.localDescription()!.sdp, '127.0.0.1', this.udpPort);
  }

  addPublisherCandidate(endpointId: string, trackId: string, candidate: string, mid: string): void {
    this.pcs.get(`pub:${endpointId}:${trackId}`)?.addRemoteCandidate(candidate, mid);
  }

  subscribe(endpointId: string, trackIds: string[]): void {
    const pc = this.pc(`sub:${endpointId}`);
    const tracks: SubscriberTrackDescription[] = [];
    trackIds.forEach((trackId, i) => {
      const v = new nodeDataChannel.Video(String(i), 'SendOnly');
      v.addVP8Codec(96);
      const ssrc = 1000 + i;
      v.addSSRC(ssrc, 'relay', `s${i}`, `t${i}`);
      const track = pc.addTrack(v);
      this.hold(track);
      let outs = this.outputs.get(trackId);
      if (!outs) this.outputs.set(trackId, (outs = []));
      // Start forwarding once the track is open (sending before that throws).
      track.onOpen(() => outs.push({ track, ssrc }));
      tracks.push({ mid: String(i), trackId, streamKey: '', kind: 'video' });
    });
    pc.setLocalDescription('offer');
    const sdp = finalizeSubscriberOffer(pc.localDescription()!.sdp, '127.0.0.1', this.udpPort, { sessionId: '1', version: 1 });
    this.onOffer(endpointId, sdp, tracks);
  }

  setAnswer(endpointId: string, sdp: string): void {
    this.pcs.get(`sub:${endpointId}`)?.setRemoteDescription(sdp, 'answer');
    this.onCandidate(endpointId, hostCandidate('127.0.0.1', this.udpPort), '0');
  }

  addSubscriberCandidate(endpointId: string, candidate: string, mid: string): void {
    this.pcs.get(`sub:${endpointId}`)?.addRemoteCandidate(candidate, mid);
  }

  forwarded(): { packets: number; bytes: number } {
    return { packets: this.packets, bytes: this.bytes };
  }

  close(): void {
    for (const outs of this.outputs.values()) outs.length = 0;
    for (const t of this.held) t.close();
    for (const pc of this.pcs.values()) pc.close();
    this.pcs.clear();
  }
}
