/**
 * Child process of the benchmark: runs one forwarder (`sfu` = the real SFU code, `relay` = the
 * bare relay baseline) on a UDP port and is driven over IPC by run.ts, so the load generator's
 * CPU is not counted. Measures its own CPU time (all threads, process.cpuUsage) on request.
 */
import nodeDataChannel from 'node-datachannel';
import { createSfu, type Endpoint, type Router, type Sfu } from '../../packages/server/src/sfu/index.js';
import { BareRelay } from './bare-relay.js';
import type { Forwarder, FromServer, Measurement, ToServer } from './protocol.js';

function send(msg: FromServer): void {
  process.send?.(msg);
}

class SfuForwarder implements Forwarder {
  private readonly router: Router;
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(private readonly sfu: Sfu) {
    this.router = sfu.createRouter('bench');
  }

  get udpPort(): number {
    return this.sfu.udpPort;
  }

  private endpoint(id: string): Endpoint {
    let ep = this.endpoints.get(id);
    if (!ep) {
      ep = this.router.createEndpoint(id);
      ep.on('subscriberOffer', ({ sdp, tracks }) => send({ t: 'offer', endpointId: id, sdp, tracks }));
      ep.on('subscriberCandidate', ({ candidate, sdpMid }) => send({ t: 'candidate', endpointId: id, candidate, mid: sdpMid }));
      this.endpoints.set(id, ep);
    }
    return ep;
  }

  publish(endpointId: string, trackId: string, offer: string): string {
    return this.endpoint(endpointId).publish({ trackId, kind: 'video', streamKey: endpointId, offer }).answer;
  }

  addPublisherCandidate(endpointId: string, trackId: string, candidate: string, mid: string): void {
    this.endpoint(endpointId).addIceCandidate({ publisher: trackId }, candidate, mid);
  }

  subscribe(endpointId: string, trackIds: string[]): void {
    this.endpoint(endpointId);
    for (const t of trackIds) this.router.subscribe(endpointId, t);
  }

  setAnswer(endpointId: string, sdp: string): void {
    this.endpoint(endpointId).setSubscriberAnswer(sdp);
  }

  addSubscriberCandidate(endpointId: string, candidate: string, mid: string): void {
    this.endpoint(endpointId).addIceCandidate('subscriber', candidate, mid);
  }

  forwarded(): { packets: number; bytes: number } {
    const s = this.sfu.stats();
    return { packets: s.forwardedPackets, bytes: s.forwardedBytes };
  }

  close(): void {
    this.sfu.close();
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  let forwarder: Forwarder;
  if (mode === 'sfu') {
    forwarder = new SfuForwarder(await createSfu({ udpPort: 0, bindAddress: '127.0.0.1', announcedAddress: '127.0.0.1' }));
  } else if (mode === 'relay') {
    // Pick a free port the same way createSfu does.
    const probe = await createSfu({ udpPort: 0, bindAddress: '127.0.0.1', announcedAddress: '127.0.0.1' });
    const port = probe.udpPort;
    probe.close();
    forwarder = new BareRelay(
      port,
      (endpointId, sdp, tracks) => send({ t: 'offer', endpointId, sdp, tracks }),
      (endpointId, candidate, mid) => send({ t: 'candidate', endpointId, candidate, mid }),
    );
  } else {
    throw new Error('usage: server.ts sfu|relay');
  }

  let start: { cpu: NodeJS.CpuUsage; at: number; packets: number; bytes: number } | undefined;
  process.on('message', (msg: ToServer) => {
    try {
      switch (msg.t) {
        case 'publish':
          send({ t: 'reply', req: msg.req, answer: forwarder.publish(msg.endpointId, msg.trackId, msg.offer) });
          break;
        case 'publisherCandidate':
          forwarder.addPublisherCandidate(msg.endpointId, msg.trackId, msg.candidate, msg.mid);
          break;
        case 'subscribe':
          forwarder.subscribe(msg.endpointId, msg.trackIds);
          break;
        case 'answer':
          forwarder.setAnswer(msg.endpointId, msg.sdp);
          break;
        case 'subscriberCandidate':
          forwarder.addSubscriberCandidate(msg.endpointId, msg.candidate, msg.mid);
          break;
        case 'measure': {
          const f = forwarder.forwarded();
          if (msg.phase === 'start') {
            start = { cpu: process.cpuUsage(), at: performance.now(), packets: f.packets, bytes: f.bytes };
            send({ t: 'reply', req: msg.req });
          } else {
            const s = start!;
            const cpu = process.cpuUsage(s.cpu);
            const measurement: Measurement = {
              cpuUs: cpu.user + cpu.system,
              wallMs: performance.now() - s.at,
              forwardedPackets: f.packets - s.packets,
              forwardedBytes: f.bytes - s.bytes,
            };
            send({ t: 'reply', req: msg.req, measurement });
          }
          break;
        }
        case 'stop':
          forwarder.close();
          setTimeout(() => {
            nodeDataChannel.cleanup();
            process.exit(0);
          }, 300);
          break;
      }
    } catch (err) {
      if ('req' in msg) send({ t: 'reply', req: msg.req, error: (err as Error).message });
      else console.error(`bench server: ${(err as Error).message}`);
    }
  });
  send({ t: 'ready', udpPort: forwarder.udpPort });
}

main().catch((err) => {
  console.error(`bench server failed: ${(err as Error).message}`);
  process.exit(1);
});
