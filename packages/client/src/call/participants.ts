import type { Participant, StreamInfo, TrackKind } from '@confab/protocol';
import type { CallParticipant } from './types.js';

const STREAM_FIELD = { audio: 'audioStream', video: 'videoStream', screen: 'screenShareStream' } as const;

function kindOfStream(stream: MediaStream, streams: StreamInfo[]): TrackKind {
  const known = streams.find((s) => s.streamId === stream.id);
  if (known) return known.kind;
  return stream.getVideoTracks().length > 0 ? 'video' : 'audio';
}

/**
 * The participants of one call: wire state from the server, media streams from the transport and
 * levels from stats, merged into immutable CallParticipant objects.
 */
export class ParticipantStore {
  private readonly byId = new Map<string, CallParticipant>();
  /** Remote MediaStreams by session, keyed by stream id, with the kind when the transport knows it. */
  private readonly remoteStreams = new Map<string, Map<string, { stream: MediaStream; kind: TrackKind | undefined }>>();
  localSessionId: string | null = null;

  constructor(private readonly onChange: (participants: CallParticipant[]) => void) {}

  get(sessionId: string): CallParticipant | undefined {
    return this.byId.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.byId.has(sessionId);
  }

  /** Adds or refreshes a participant from the server's view; returns the new object. */
  upsert(wire: Participant): CallParticipant {
    const previous = this.byId.get(wire.sessionId);
    const isLocal = wire.sessionId === this.localSessionId;
    const next: CallParticipant = {
      isSpeaking: false,
      audioLevel: 0,
      connectionQuality: 'unknown',
      ...previous,
      sessionId: wire.sessionId,
      userId: wire.userId,
      name: wire.name,
      isLocal,
      roles: wire.roles,
      publishedTracks: wire.publishedTracks,
      censoredTracks: wire.censoredTracks ?? [],
      streams: wire.streams,
      joinedAt: wire.joinedAt,
    };
    this.byId.set(wire.sessionId, isLocal ? next : this.withStreams(next));
    this.emit();
    return this.byId.get(wire.sessionId)!;
  }

  remove(sessionId: string): CallParticipant | undefined {
    const p = this.byId.get(sessionId);
    this.byId.delete(sessionId);
    this.remoteStreams.delete(sessionId);
    if (p) this.emit();
    return p;
  }

  /** A remote MediaStream arrived (or changed) for a session. */
  addRemoteStream(sessionId: string, stream: MediaStream, kind?: TrackKind): void {
    let streams = this.remoteStreams.get(sessionId);
    if (!streams) this.remoteStreams.set(sessionId, (streams = new Map()));
    streams.set(stream.id, { stream, kind });
    const p = this.byId.get(sessionId);
    if (p) {
      this.byId.set(sessionId, this.withStreams(p));
      this.emit();
    }
  }

  removeRemoteStream(sessionId: string, streamId: string): void {
    if (!this.remoteStreams.get(sessionId)?.delete(streamId)) return;
    const p = this.byId.get(sessionId);
    if (p) {
      this.byId.set(sessionId, this.withStreams(p));
      this.emit();
    }
  }

  /** Sets the local participant's preview streams. */
  setLocalStreams(streams: Partial<Record<TrackKind, MediaStream | undefined>>): void {
    const id = this.localSessionId;
    const p = id ? this.byId.get(id) : undefined;
    if (!p || !id) return;
    const next = { ...p };
    for (const kind of Object.keys(STREAM_FIELD) as TrackKind[]) {
      if (kind in streams) next[STREAM_FIELD[kind]] = streams[kind];
    }
    this.byId.set(id, next);
    this.emit();
  }

  /** Changes fields measured on the client (levels, quality); emits only when something changed. */
  patch(sessionId: string, fields: Partial<Pick<CallParticipant, 'audioLevel' | 'isSpeaking' | 'connectionQuality'>>): void {
    const p = this.byId.get(sessionId);
    if (!p) return;
    const changed = (Object.keys(fields) as (keyof typeof fields)[]).some((k) => p[k] !== fields[k]);
    if (!changed) return;
    this.byId.set(sessionId, { ...p, ...fields });
    this.emit();
  }

  private withStreams(p: CallParticipant): CallParticipant {
    const next: CallParticipant = { ...p };
    delete next.audioStream;
    delete next.videoStream;
    delete next.screenShareStream;
    for (const { stream, kind } of this.remoteStreams.get(p.sessionId)?.values() ?? []) {
      next[STREAM_FIELD[kind ?? kindOfStream(stream, p.streams)]] = stream;
    }
    return next;
  }

  all(): CallParticipant[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
    this.remoteStreams.clear();
    this.localSessionId = null;
    this.emit();
  }

  private emit(): void {
    this.onChange(this.all());
  }
}
