import type { StreamInfo, TrackKind } from '@confab/protocol';
import type { MediaSourceManager } from '../media/media-source-manager.js';

/**
 * What the local participant publishes, as the server and the others should see it: the enabled
 * sources, and the metadata of every source's stream (ids are stable, so the mapping never breaks).
 */
export function publishStateOf(sources: MediaSourceManager[]): { publishedTracks: TrackKind[]; streams: StreamInfo[] } {
  const publishedTracks: TrackKind[] = [];
  const streams: StreamInfo[] = [];
  for (const source of sources) {
    if (source.enabled && source.track) publishedTracks.push(source.kind);
    const info: StreamInfo = { streamId: source.stream.id, kind: source.kind };
    if (source.label !== undefined) info.label = source.label;
    streams.push(info);
  }
  return { publishedTracks, streams };
}
