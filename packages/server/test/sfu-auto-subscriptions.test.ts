import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { MAX_AUTO_VIDEO } from '../src/calls/sfu-bridge.js';
import { startTestServer, type TestServer, type TestSocket } from './helpers/test-server.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sfu/fixtures');
const VIDEO_OFFER = fs.readFileSync(path.join(fixtures, 'chromium-simulcast-offer.sdp'), 'utf8');
const AUDIO_OFFER = fs.readFileSync(path.join(fixtures, 'chromium-audio-offer.sdp'), 'utf8');

async function metric(t: TestServer, name: string): Promise<number> {
  const line = (await t.server.metrics.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('default subscriptions of an SFU call', () => {
  let t: TestServer;
  const publishers: TestSocket[] = [];
  const PUBLISHERS = MAX_AUTO_VIDEO + 2;

  before(async () => {
    t = await startTestServer();
    for (let i = 0; i < PUBLISHERS; i++) {
      const s = await t.connect(await t.token(`pub${i}`));
      // Publishers take nothing here (manual from the join on), so that only the viewer's subscriptions count.
      await s.ok('call.join', { type: 'default', id: 'crowd', create: i === 0, subscriptionMode: 'manual', publish: { publishedTracks: ['audio', 'video'], streams: [] } });
      await s.ok('sfu.publish', { cid: 'default:crowd', kind: 'video', offer: VIDEO_OFFER });
      await s.ok('sfu.publish', { cid: 'default:crowd', kind: 'audio', offer: AUDIO_OFFER });
      publishers.push(s);
    }
  });
  after(async () => {
    await t.stop();
  });

  it(`gives a newcomer everyone's audio and the video of ${MAX_AUTO_VIDEO} others`, async () => {
    assert.equal(await metric(t, 'confab_sfu_published_tracks'), PUBLISHERS * 2);
    assert.equal(await metric(t, 'confab_sfu_subscriptions'), 0);
    const viewer = await t.connect(await t.token('viewer'));
    await viewer.ok('call.join', { type: 'default', id: 'crowd' });
    const deadline = Date.now() + 5000;
    while ((await metric(t, 'confab_sfu_subscriptions')) < PUBLISHERS + MAX_AUTO_VIDEO && Date.now() < deadline) await viewer.ok('ping');
    assert.equal(await metric(t, 'confab_sfu_subscriptions'), PUBLISHERS + MAX_AUTO_VIDEO);
    // Switching to manual keeps what is there; asking for one more video works past the automatic limit.
    await viewer.ok('sfu.subscriptionMode', { cid: 'default:crowd', mode: 'manual' });
    const participants = (await viewer.ok('call.get', { type: 'default', id: 'crowd' })).call.participantCount;
    assert.equal(participants, PUBLISHERS + 1);
  });
});
