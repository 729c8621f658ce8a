/** RTP header extensions the SFU understands, and the ids it offers to subscribers. */
import type { MediaKind } from './types.js';

export const EXT_AUDIO_LEVEL = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
export const EXT_ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
export const EXT_MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
export const EXT_RID = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
export const EXT_RRID = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';
export const EXT_TOFFSET = 'urn:ietf:params:rtp-hdrext:toffset';
export const EXT_VIDEO_ORIENTATION = 'urn:3gpp:video-orientation';
export const EXT_PLAYOUT_DELAY = 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay';
export const EXT_VIDEO_CONTENT_TYPE = 'http://www.webrtc.org/experiments/rtp-hdrext/video-content-type';
export const EXT_VIDEO_TIMING = 'http://www.webrtc.org/experiments/rtp-hdrext/video-timing';
export const EXT_COLOR_SPACE = 'http://www.webrtc.org/experiments/rtp-hdrext/color-space';

/**
 * Extensions accepted from publishers. Not accepted: transport-cc (the SFU gives REMB feedback,
 * not transport-wide feedback), repaired-rtp-stream-id (no RTX towards the SFU), dependency
 * descriptor and layers allocation (VP8 only here).
 */
export const PUBLISHER_EXTENSIONS: Record<MediaKind, readonly string[]> = {
  audio: [EXT_AUDIO_LEVEL, EXT_ABS_SEND_TIME, EXT_MID],
  video: [
    EXT_ABS_SEND_TIME,
    EXT_MID,
    EXT_RID,
    EXT_TOFFSET,
    EXT_VIDEO_ORIENTATION,
    EXT_PLAYOUT_DELAY,
    EXT_VIDEO_CONTENT_TYPE,
    EXT_VIDEO_TIMING,
    EXT_COLOR_SPACE,
  ],
};

/**
 * Extensions forwarded to subscribers with the fixed ids the SFU offers (one table for the whole
 * BUNDLE group, so an id never means two things). mid and rid are not forwarded: the SFU signals
 * SSRCs, and the values would name the publisher's m-line and layer.
 */
export const SUBSCRIBER_EXTENSIONS: Record<MediaKind, ReadonlyArray<{ uri: string; id: number }>> = {
  audio: [{ uri: EXT_AUDIO_LEVEL, id: 1 }],
  video: [
    { uri: EXT_ABS_SEND_TIME, id: 2 },
    { uri: EXT_TOFFSET, id: 3 },
    { uri: EXT_VIDEO_ORIENTATION, id: 4 },
    { uri: EXT_PLAYOUT_DELAY, id: 5 },
    { uri: EXT_VIDEO_CONTENT_TYPE, id: 6 },
    { uri: EXT_VIDEO_TIMING, id: 7 },
    { uri: EXT_COLOR_SPACE, id: 8 },
  ],
};

/** Payload types the SFU offers to subscribers. */
export const SUBSCRIBER_PT: Record<MediaKind, number> = { audio: 111, video: 96 };
export const CODEC: Record<MediaKind, { name: string; clockRate: number }> = {
  audio: { name: 'opus', clockRate: 48000 },
  video: { name: 'VP8', clockRate: 90000 },
};

/**
 * Builds the id translation table of one (publisher, subscriber) pair: index = publisher's id,
 * value = subscriber's id, 0 = drop.
 */
export function buildExtensionMap(
  kind: MediaKind,
  publisher: ReadonlyMap<string, number>,
  accepted: ReadonlySet<string>,
): Uint8Array {
  const map = new Uint8Array(256);
  for (const { uri, id } of SUBSCRIBER_EXTENSIONS[kind]) {
    const pubId = publisher.get(uri);
    if (pubId !== undefined && accepted.has(uri)) map[pubId] = id;
  }
  return map;
}
