/**
 * A publisher connection: the browser offers one track, the SFU answers.
 *
 * One peer connection per published track, because libdatachannel routes incoming packets to a
 * Track by the SSRCs signalled in SDP as soon as a connection has more than one m-line, and
 * Chromium signals no SSRC for rid-based simulcast: with audio and simulcast video on one
 * connection, every video packet would be dropped inside libdatachannel. With a single m-line,
 * libdatachannel hands every packet (all layers, RTCP) to that one Track.
 */
import type { Track } from 'node-datachannel';
import type { SfuContext } from './context.js';
import { invalid, SfuError } from './errors.js';
import { Peer } from './peer.js';
import { PublishedTrack } from './published-track.js';
import { finalizePublisherAnswer, preparePublisherOffer } from './sdp.js';
import type { IceState, PublishOptions } from './types.js';

export class PublisherTransport {
  readonly peer: Peer;
  readonly source: PublishedTrack;
  readonly answer: string;
  private readonly mid: string;
  private track: Track | undefined;
  private closed = false;

  constructor(
    private readonly ctx: SfuContext,
    endpointId: string,
    options: PublishOptions,
    onIceState: (state: IceState) => void,
    onLost: () => void,
  ) {
    const info = preparePublisherOffer(options.offer, options.kind);
    this.mid = info.mid;
    this.source = new PublishedTrack(ctx, {
      trackId: options.trackId,
      endpointId,
      kind: options.kind,
      streamKey: options.streamKey ?? '',
      payloadType: info.payloadType,
      clockRate: info.clockRate,
      rids: info.rids,
      extensions: info.extensions,
      ssrcs: info.ssrcs,
    });
    this.peer = new Peer(ctx, `pub:${endpointId}:${options.trackId}`, onIceState, onLost);
    this.peer.pc.onTrack((track) => {
      this.peer.hold(track);
      if (this.closed) {
        track.close();
        return;
      }
      this.track = track;
      track.onMessage((msg) => this.source.onPacket(msg));
      this.source.sendToPublisher = (packet) => this.send(packet);
    });
    try {
      this.peer.pc.setRemoteDescription(info.sdp, 'offer');
      const local = this.peer.pc.localDescription();
      if (!local || local.type !== 'answer') throw new Error('libdatachannel produced no answer');
      this.answer = finalizePublisherAnswer(local.sdp, ctx.options.announcedAddress, ctx.options.announcedPort, ctx.options.extraAddresses);
    } catch (err) {
      this.close();
      if (err instanceof SfuError) throw err;
      throw invalid(`the publisher offer was refused: ${(err as Error).message}`, err);
    }
  }

  private send(packet: Buffer): void {
    const t = this.track;
    if (!t || this.closed) return;
    try {
      t.sendMessageBinary(packet);
    } catch {
      // not open yet or already closed: RTCP is periodic, the next one will do
    }
  }

  addRemoteCandidate(candidate: string, mid: string | undefined): void {
    this.peer.addRemoteCandidate(candidate, mid ?? this.mid);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.close();
    this.track = undefined;
    this.peer.close();
  }
}
