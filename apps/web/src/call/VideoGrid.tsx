import type { CallParticipant } from '@confab/client';
import { ParticipantAudio } from '@confab/react';
import { type CSSProperties, useRef } from 'react';
import { bestGridLayout, useElementSize } from './grid-layout';
import { ParticipantTile, type TileContent } from './ParticipantTile';

interface Tile {
  key: string;
  participant: CallParticipant;
  content: TileContent;
}

const GAP = 12;

/** Shared screens first (they need the room), then people: you first, then by arrival. */
function tilesOf(participants: CallParticipant[]): Tile[] {
  const people = [...participants].sort((a, b) => Number(b.isLocal) - Number(a.isLocal) || a.joinedAt.localeCompare(b.joinedAt));
  const screens = people
    .filter((p) => p.publishedTracks.includes('screen') && p.screenShareStream)
    .map((p) => ({ key: `${p.sessionId}:screen`, participant: p, content: 'screen' as const }));
  return [...screens, ...people.map((p) => ({ key: `${p.sessionId}:camera`, participant: p, content: 'camera' as const }))];
}

/** The tiles, as large as the stage allows, and the (invisible) players of remote audio. */
export function VideoGrid({ participants }: { participants: CallParticipant[] }) {
  const stage = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(stage);
  const tiles = tilesOf(participants);
  const layout = bestGridLayout(tiles.length, width, height, GAP);
  const style = {
    '--tile-width': `${layout.tileWidth}px`,
    '--tile-height': `${layout.tileHeight}px`,
    '--gap': `${GAP}px`,
  } as CSSProperties;
  return (
    <div className="grid" ref={stage} style={style} data-testid="video-grid" data-columns={layout.columns}>
      {tiles.map((t) => (
        <ParticipantTile key={t.key} participant={t.participant} content={t.content} />
      ))}
      {participants
        .filter((p) => !p.isLocal && p.audioStream)
        .map((p) => (
          <ParticipantAudio key={p.sessionId} stream={p.audioStream} data-testid={`audio-${p.userId}`} />
        ))}
    </div>
  );
}
