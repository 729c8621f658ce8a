/**
 * SDP munging with sdp-transform, kept to what libdatachannel needs help with:
 * - publisher offers: keep one codec (VP8 / opus), the header extensions the SFU handles, no
 *   RTX/RED/FEC, no transport-cc, so libdatachannel's answer asks for exactly that;
 * - publisher answers: libdatachannel echoes `a=simulcast:send` and `a=rid:… send`, which makes
 *   Chromium disable every layer; flip them to `recv`;
 * - every description the SFU gives out: one host candidate, the announced address on the shared
 *   UDP port (libdatachannel would list the bind address).
 */
import sdpTransform, { type MediaDescription, type SessionDescription } from 'sdp-transform';
import { invalid } from './errors.js';
import { CODEC, PUBLISHER_EXTENSIONS, SUBSCRIBER_EXTENSIONS } from './extensions.js';
import type { MediaKind } from './types.js';

export interface PublisherOfferInfo {
  /** Offer to hand to libdatachannel. */
  sdp: string;
  mid: string;
  payloadType: number;
  clockRate: number;
  /** Simulcast rids in the order of `a=simulcast` ([] when not simulcast). */
  rids: string[];
  /** Header extensions kept: uri → id. */
  extensions: Map<string, number>;
  /** SSRCs signalled with `a=ssrc` (non-simulcast senders). */
  ssrcs: number[];
}

function parse(sdp: string): SessionDescription {
  if (typeof sdp !== 'string' || sdp.length === 0) throw invalid('SDP must be a non-empty string');
  if (sdp.length > 200_000) throw invalid('SDP too large');
  try {
    const parsed = sdpTransform.parse(sdp);
    if (!Array.isArray(parsed.media)) throw new Error('no media');
    return parsed;
  } catch (err) {
    throw invalid('unparsable SDP', err);
  }
}

/** Rid ids of a simulcast stream list ("q;h;~f" or "q,x;h"): first alternative, pause marker dropped. */
export function parseSimulcastList(list: string): string[] {
  return list
    .split(';')
    .map((alt) => (alt.split(',')[0] ?? '').replace(/^~/, '').trim())
    .filter((r) => r.length > 0);
}

export function preparePublisherOffer(offer: string, kind: MediaKind): PublisherOfferInfo {
  const session = parse(offer);
  if (session.media.length !== 1) {
    throw invalid(`a publisher connection carries exactly one track; the offer has ${session.media.length} m-lines`);
  }
  const media = session.media[0]!;
  if (media.type !== kind) throw invalid(`the offer's m-line is ${media.type}, expected ${kind}`);
  if (media.port === 0) throw invalid('the offer rejects its only m-line');
  if (media.direction !== undefined && media.direction !== 'sendonly' && media.direction !== 'sendrecv') {
    throw invalid(`the offer's m-line must send (direction ${media.direction})`);
  }
  if (media.mid === undefined) throw invalid('the offer has no a=mid');
  if (!session.fingerprint && !media.fingerprint) throw invalid('the offer has no DTLS fingerprint');
  if (!(session.iceUfrag ?? media.iceUfrag)) throw invalid('the offer has no ICE credentials');

  const codec = CODEC[kind];
  const chosen = (media.rtp ?? []).find((r) => r.codec.toLowerCase() === codec.name.toLowerCase() && r.rate === codec.clockRate);
  if (!chosen) throw invalid(`the offer has no ${codec.name} codec`);
  const pt = chosen.payload;
  media.rtp = [chosen];
  media.fmtp = (media.fmtp ?? []).filter((f) => f.payload === pt);
  media.rtcpFb = (media.rtcpFb ?? []).filter((f) => String(f.payload) === String(pt) && f.type !== 'transport-cc');
  media.payloads = String(pt);

  const allowed = new Set(PUBLISHER_EXTENSIONS[kind]);
  media.ext = (media.ext ?? []).filter((e) => allowed.has(e.uri) && e.value >= 1 && e.value <= 14);
  const extensions = new Map<string, number>();
  for (const e of media.ext) extensions.set(e.uri, e.value);

  // RTX is not negotiated: drop the FID groups and the RTX SSRCs.
  const rtxSsrcs = new Set<number>();
  for (const g of media.ssrcGroups ?? []) {
    if (g.semantics === 'FID') {
      const ids = g.ssrcs.split(' ').map(Number);
      for (const id of ids.slice(1)) rtxSsrcs.add(id);
    }
  }
  delete media.ssrcGroups;
  media.ssrcs = (media.ssrcs ?? []).filter((s) => !rtxSsrcs.has(Number(s.id)));
  const ssrcs = [...new Set(media.ssrcs.map((s) => Number(s.id)))];

  let rids: string[] = [];
  if (media.simulcast && kind === 'video') {
    const list = media.simulcast.dir1 === 'send' ? media.simulcast.list1 : media.simulcast.list2;
    rids = list ? parseSimulcastList(list) : [];
    const declared = new Set((media.rids ?? []).map((r) => String(r.id)));
    rids = rids.filter((r) => declared.has(r));
    if (rids.length > 0 && !extensions.has(PUBLISHER_EXTENSIONS.video[2]!)) {
      throw invalid('simulcast needs the rtp-stream-id header extension');
    }
  }
  if (rids.length === 0) {
    delete media.simulcast;
    delete media.rids;
  }
  return {
    sdp: sdpTransform.write(session),
    mid: String(media.mid),
    payloadType: pt,
    clockRate: codec.clockRate,
    rids,
    extensions,
    ssrcs,
  };
}

/** Host candidate priorities, highest first (type preference 126, local preference decreasing). */
const candidatePriority = (index: number) => 2130706431 - index * 256;

function setCandidates(media: MediaDescription, addresses: string[], port: number): void {
  media.candidates = addresses.map((ip, i) => ({ foundation: String(i + 1), component: 1, transport: 'UDP', priority: candidatePriority(i), ip, port, type: 'host' }));
  media.endOfCandidates = 'end-of-candidates';
}

function ipVersion(address: string): number {
  return address.includes(':') ? 6 : 4;
}

/** Fixes libdatachannel's answer to a publisher offer. */
export function finalizePublisherAnswer(answer: string, address: string, port: number, extraAddresses: string[] = []): string {
  const session = parse(answer);
  session.media.forEach((media, i) => {
    if (media.simulcast) {
      media.simulcast = { dir1: 'recv', list1: media.simulcast.dir1 === 'send' ? media.simulcast.list1 : media.simulcast.list2 ?? '' };
    }
    if (media.rids) media.rids = media.rids.map((r) => ({ ...r, direction: 'recv' }));
    delete media.msid;
    delete media.ssrcs;
    delete media.ssrcGroups;
    if (i === 0) {
      media.port = port;
      media.connection = { version: ipVersion(address), ip: address };
    }
    setCandidates(media, [address, ...extraAddresses], port);
  });
  return sdpTransform.write(session);
}

/**
 * Prepares libdatachannel's subscriber offer for the browser: no candidate (the SFU trickles its
 * one candidate after applying the first answer, see SubscriberTransport), a stable origin line
 * (same session id, growing version, as JSEP wants for re-offers), the announced address, and
 * per m-line edits by `editMedia` (direction, msid).
 */
export function finalizeSubscriberOffer(
  offer: string,
  address: string,
  port: number,
  origin: { sessionId: string; version: number },
  editMedia: (media: MediaDescription) => void = () => {},
): string {
  const session = parse(offer);
  session.origin = { username: '-', sessionId: origin.sessionId, sessionVersion: origin.version, netType: 'IN', ipVer: ipVersion(address), address };
  session.media.forEach((media, i) => {
    if (i === 0) {
      media.port = port;
      media.connection = { version: ipVersion(address), ip: address };
    }
    delete media.candidates;
    delete media.endOfCandidates;
    editMedia(media);
  });
  return sdpTransform.write(session);
}

/** The SFU's ICE candidate for one announced address (index 0 is the preferred one), as a trickled line. */
export function hostCandidate(address: string, port: number, index = 0): string {
  return `candidate:${index + 1} 1 UDP ${candidatePriority(index)} ${address} ${port} typ host`;
}

export interface AnsweredMedia {
  mid: string;
  rejected: boolean;
  /** Extension URIs the answer kept (with the ids the SFU offered). */
  extensions: Set<string>;
}

/** Reads what a subscriber's answer accepted, per mid. */
export function parseSubscriberAnswer(answer: string): Map<string, AnsweredMedia> {
  const session = parse(answer);
  const out = new Map<string, AnsweredMedia>();
  for (const media of session.media) {
    if (media.mid === undefined) continue;
    const kind = media.type === 'audio' || media.type === 'video' ? media.type : undefined;
    const offered = kind ? SUBSCRIBER_EXTENSIONS[kind] : [];
    const extensions = new Set<string>();
    for (const e of media.ext ?? []) {
      if (offered.some((o) => o.uri === e.uri && o.id === e.value)) extensions.add(e.uri);
    }
    out.set(String(media.mid), {
      mid: String(media.mid),
      rejected: media.port === 0,
      extensions,
    });
  }
  return out;
}

/** msid ids are 1*64 token-char (RFC 8830); other characters become '_'. */
export function msidToken(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9!#$%&'*+\-.^_`{|}~]/g, '_').slice(0, 64);
  return cleaned.length > 0 ? cleaned : '-';
}
