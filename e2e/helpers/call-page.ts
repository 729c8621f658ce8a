import type { Page } from 'playwright-core';
import { waitUntil } from './wait.js';

/**
 * In-page helpers around `window.call`: join with every call event recorded into
 * `window.events`, and read state back as plain data.
 */
export async function joinCall(page: Page, type: string, id: string, options: Record<string, unknown> = {}): Promise<void> {
  await page.evaluate(({ type, id }) => ((window as any).call = (window as any).client.call(type, id)), { type, id });
  await recordCallEvents(page);
  await page.evaluate((options) => (window as any).call.join(options), options);
}

/** Records every event of `window.call` into `window.events`, and its calling states into `window.states`. */
export async function recordCallEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Record<string, any>;
    const call = w.call;
    w.events = [];
    for (const name of ['participant.joined', 'participant.left', 'message', 'track.published', 'track.unpublished', 'call.ended', 'kicked', 'call.accepted', 'call.rejected', 'call.missed']) {
      call.on(name, (payload: any) => {
        const plain = JSON.parse(JSON.stringify(payload, (_k, v) => (v instanceof MediaStream ? `stream:${v.id}` : v)));
        w.events.push({ name, payload: plain });
      });
    }
    w.states = [];
    call.state.callingState$.subscribe((s: string) => w.states.push(s));
  });
}

export interface PlainParticipant {
  sessionId: string;
  userId: string;
  name: string;
  isLocal: boolean;
  publishedTracks: string[];
  hasAudio: boolean;
  hasVideo: boolean;
  hasScreen: boolean;
  audioLevel: number;
  isSpeaking: boolean;
  connectionQuality: string;
  streams: { streamId: string; kind: string; label?: string }[];
}

export function participants(page: Page): Promise<PlainParticipant[]> {
  return page.evaluate(() =>
    (window as any).call.state.participants.map((p: any) => ({
      sessionId: p.sessionId,
      userId: p.userId,
      name: p.name,
      isLocal: p.isLocal,
      publishedTracks: p.publishedTracks,
      hasAudio: !!p.audioStream,
      hasVideo: !!p.videoStream,
      hasScreen: !!p.screenShareStream,
      audioLevel: p.audioLevel,
      isSpeaking: p.isSpeaking,
      connectionQuality: p.connectionQuality,
      streams: p.streams,
    })),
  );
}

export function callingState(page: Page): Promise<string> {
  return page.evaluate(() => (window as any).call.state.callingState);
}

export function events(page: Page, name?: string): Promise<{ name: string; payload: any }[]> {
  return page.evaluate((name) => ((window as any).events as any[]).filter((e) => !name || e.name === name), name);
}

export function waitForEvent(page: Page, name: string, predicate: (payload: any) => boolean = () => true, timeoutMs = 10_000) {
  return waitUntil(async () => (await events(page, name)).find((e) => predicate(e.payload)), `event ${name}`, timeoutMs);
}

/** Starts counting decoded frames of a remote participant's stream (video or screen). */
export async function watchRemoteVideo(page: Page, userId: string, field: 'videoStream' | 'screenShareStream' = 'videoStream'): Promise<string> {
  await waitUntil(
    () => page.evaluate(({ userId, field }) => !!(window as any).call.state.remoteParticipants.find((p: any) => p.userId === userId)?.[field], { userId, field }),
    `${field} of ${userId}`,
    15_000,
  );
  return page.evaluate(({ userId, field }) => {
    const p = (window as any).call.state.remoteParticipants.find((x: any) => x.userId === userId);
    return (window as any).__confabTest.watch(p[field]);
  }, { userId, field });
}

export function frames(page: Page, watchId: string): Promise<{ frames: number; width: number; height: number }> {
  return page.evaluate((id) => (window as any).__confabTest.frames(id), watchId);
}

/** Waits until at least `n` more frames were decoded on a watched stream. */
export async function waitForFrames(page: Page, watchId: string, n = 10, timeoutMs = 20_000): Promise<{ frames: number; width: number; height: number }> {
  const start = (await frames(page, watchId)).frames;
  return waitUntil(async () => {
    const f = await frames(page, watchId);
    return f.frames >= start + n ? f : null;
  }, `${n} decoded frames on ${watchId}`, timeoutMs);
}

export function resources(page: Page): Promise<{ openPcs: number; liveTracks: number }> {
  return page.evaluate(() => ({ openPcs: (window as any).__confabTest.openPcs(), liveTracks: (window as any).__confabTest.liveTracks() }));
}

/** Remote ports of the selected candidate pairs of every connected peer connection of the page. */
export function selectedRemotePorts(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const ports: number[] = [];
    for (const pc of (window as any).__confabTest.pcs as RTCPeerConnection[]) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      let pairId: string | undefined;
      stats.forEach((s: any) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
      });
      const pair: any = pairId ? stats.get(pairId) : undefined;
      const remote: any = pair ? stats.get(pair.remoteCandidateId) : undefined;
      if (remote) ports.push(remote.port);
    }
    return ports;
  });
}

/** Packets received so far for a remote participant's kind (from the receiving peer connections' stats). */
export function packetsReceived(page: Page, trackId: string): Promise<number> {
  return page.evaluate(async (trackId) => {
    let total = 0;
    for (const pc of (window as any).__confabTest.pcs as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      for (const r of pc.getReceivers()) {
        if (r.track.id !== trackId) continue;
        const stats = await r.getStats();
        stats.forEach((s: any) => {
          if (s.type === 'inbound-rtp') total += s.packetsReceived ?? 0;
        });
      }
    }
    return total;
  }, trackId);
}

/** Id of the track of a remote participant's stream field. */
export function remoteTrackId(page: Page, userId: string, field: 'audioStream' | 'videoStream' | 'screenShareStream'): Promise<string | null> {
  return page.evaluate(({ userId, field }) => {
    const p = (window as any).call.state.remoteParticipants.find((x: any) => x.userId === userId);
    return p?.[field]?.getTracks()[0]?.id ?? null;
  }, { userId, field });
}
