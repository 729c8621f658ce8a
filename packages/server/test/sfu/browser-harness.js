// Browser side of the Confab SFU transport, written to be lifted into the client SDK.
//
// - One publisher RTCPeerConnection per published track (the SFU answers; see docs/sfu.md for
//   why one per track). Video can be simulcast with rid layers q/h/f.
// - One subscriber RTCPeerConnection (the SFU offers, this side answers). Offers are applied one
//   at a time; each comes with the list of what its m-lines carry.
// - Signalling is a plain object of async functions so any channel (WebSocket, Playwright's
//   exposeFunction) can carry it.
//
// No framework, no bundler: an ES module that runs as is in the page.

/** Default simulcast layers: quarter, half and full resolution. */
export const SIMULCAST_ENCODINGS = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

const PC_CONFIG = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };

/** Runs async operations of one object one at a time, in order. */
class SerialQueue {
  #tail = Promise.resolve();
  run(fn) {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => {});
    return next;
  }
}

/**
 * Publishes one MediaStreamTrack.
 * @param {object} options
 * @param {MediaStreamTrack} options.track
 * @param {string} options.trackId      identifier the SFU and the other participants know it by
 * @param {string} [options.streamKey]  label passed through to subscribers
 * @param {MediaStream[]} [options.streams]
 * @param {boolean} [options.simulcast] video only: send SIMULCAST_ENCODINGS
 * @param {{ publish(trackId: string, kind: string, streamKey: string, offer: string): Promise<string>,
 *           candidate(trackId: string, candidate: string, sdpMid: string | null): Promise<void> }} options.signal
 */
export class PublisherTransport {
  constructor(options) {
    this.options = options;
    this.pc = new RTCPeerConnection(PC_CONFIG);
    this.sender = undefined;
    this.closed = false;
    /** @type {RTCIceCandidate[]} candidates found before the SFU knows this connection */
    this.pendingCandidates = [];
    this.answered = false;
    this.pc.onicecandidate = (e) => {
      if (!e.candidate || !e.candidate.candidate) return;
      if (this.answered) this.#sendCandidate(e.candidate);
      else this.pendingCandidates.push(e.candidate);
    };
  }

  #sendCandidate(c) {
    this.options.signal.candidate(this.options.trackId, c.candidate, c.sdpMid).catch(() => {});
  }

  async start() {
    const { track, streams = [], simulcast, trackId, streamKey = '' } = this.options;
    const init = { direction: 'sendonly', streams };
    if (simulcast && track.kind === 'video') init.sendEncodings = SIMULCAST_ENCODINGS.map((e) => ({ ...e }));
    const transceiver = this.pc.addTransceiver(track, init);
    this.sender = transceiver.sender;
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const answer = await this.options.signal.publish(trackId, track.kind, streamKey, this.pc.localDescription.sdp);
    if (this.closed) return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    this.answered = true;
    for (const c of this.pendingCandidates.splice(0)) this.#sendCandidate(c);
  }

  /** Dynacast: encode only the layers somebody receives (the SFU's layersNeeded). */
  async setActiveLayers(rids) {
    if (!this.sender) return;
    const params = this.sender.getParameters();
    if (!params.encodings || params.encodings.length < 2) return;
    let changed = false;
    for (const enc of params.encodings) {
      const active = rids.includes(enc.rid);
      if (enc.active !== active) {
        enc.active = active;
        changed = true;
      }
    }
    if (changed) await this.sender.setParameters(params);
  }

  /** Mute without renegotiation: the SFU is told separately (setTrackPaused). */
  async replaceTrack(track) {
    await this.sender?.replaceTrack(track);
  }

  close() {
    this.closed = true;
    this.pc.close();
  }
}

/**
 * Receives what the SFU forwards.
 * @param {object} options
 * @param {{ answer(sdp: string): Promise<void>,
 *           candidate(candidate: string, sdpMid: string | null): Promise<void> }} options.signal
 * @param {(track: MediaStreamTrack, info: {mid: string, trackId: string, streamKey: string, kind: string}, streams: readonly MediaStream[]) => void} [options.onTrack]
 */
export class SubscriberTransport {
  constructor(options) {
    this.options = options;
    this.pc = new RTCPeerConnection(PC_CONFIG);
    this.queue = new SerialQueue();
    /** mid → { trackId, streamKey, kind } of the latest offer */
    this.mapping = new Map();
    this.closed = false;
    this.pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) this.options.signal.candidate(e.candidate.candidate, e.candidate.sdpMid).catch(() => {});
    };
    this.pc.ontrack = (e) => {
      const mid = e.transceiver.mid;
      const info = this.mapping.get(mid);
      if (info) this.options.onTrack?.(e.track, { mid, ...info }, e.streams);
    };
  }

  /** Applies an SFU offer and sends the answer; offers are handled strictly in order. */
  handleOffer(sdp, tracks) {
    return this.queue.run(async () => {
      if (this.closed) return;
      this.mapping = new Map(tracks.map((t) => [t.mid, { trackId: t.trackId, streamKey: t.streamKey, kind: t.kind }]));
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      await this.options.signal.answer(this.pc.localDescription.sdp);
    });
  }

  /** The SFU's candidate (sent once, after the first answer). */
  addCandidate(candidate, sdpMid) {
    return this.queue.run(() => this.pc.addIceCandidate({ candidate, sdpMid }));
  }

  /** The receiver currently carrying `trackId`, if any. */
  receiverFor(trackId) {
    for (const t of this.pc.getTransceivers()) {
      const info = this.mapping.get(t.mid);
      if (info && info.trackId === trackId && t.currentDirection !== 'inactive') return t.receiver;
    }
    return undefined;
  }

  close() {
    this.closed = true;
    this.pc.close();
  }
}

/** Remote port of a connection's selected candidate pair (for checks). */
export async function selectedRemotePort(pc) {
  const stats = await pc.getStats();
  let pairId;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
  });
  const pair = pairId && stats.get(pairId);
  const remote = pair && stats.get(pair.remoteCandidateId);
  return remote ? remote.port : undefined;
}

/** Inbound video figures of one receiver. */
export async function inboundVideo(receiver) {
  const stats = await receiver.getStats();
  let out;
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      out = { framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0, packetsLost: s.packetsLost ?? 0 };
    }
  });
  return out ?? { framesDecoded: 0, frameWidth: 0, frameHeight: 0, packetsLost: 0 };
}
