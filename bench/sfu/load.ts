/**
 * Load side of the benchmark: spawns a forwarding process and drives it over IPC with
 * node-datachannel publishers (synthetic VP8) and subscribers living in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint, EndpointEvents } from '../../packages/server/src/sfu/index.js';
import { SyntheticPublisher, SyntheticSubscriber, waitFor } from '../../packages/server/test/sfu/helpers/synthetic.js';
import type { FromServer, Measurement, ToServer } from './protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Scenario {
  publishers: number;
  subscribers: number;
  /** Packets per second per publisher. */
  pps: number;
  packetBytes: number;
  warmupMs: number;
  measureMs: number;
  profileDir?: string;
}

type WithReq = Extract<ToServer, { req: number }>;
type RequestMessage = WithReq extends infer M ? (M extends WithReq ? Omit<M, 'req'> : never) : never;

/** The forwarding child process and its IPC plumbing. */
class ServerProcess {
  readonly child: ChildProcess;
  private nextReq = 1;
  private readonly pending = new Map<number, (m: Extract<FromServer, { t: 'reply' }>) => void>();
  readonly listeners = new Map<string, { offer?: (m: Extract<FromServer, { t: 'offer' }>) => void; candidate?: (m: Extract<FromServer, { t: 'candidate' }>) => void }>();
  udpPort = 0;
  readonly ready: Promise<void>;

  constructor(mode: 'sfu' | 'relay', profileDir?: string) {
    const args = ['--import', 'tsx', '--conditions=development'];
    if (profileDir) {
      // One profile per thread (tsx runs its loader in a worker): a directory per forwarder.
      const dir = path.join(profileDir, mode);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      args.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    }
    this.child = spawn(process.execPath, [...args, path.join(here, 'server.ts'), mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`${mode} process exited (${code})`)));
      this.child.on('message', (m: FromServer) => {
        if (m.t === 'ready') {
          this.udpPort = m.udpPort;
          resolve();
        } else if (m.t === 'reply') {
          this.pending.get(m.req)?.(m);
          this.pending.delete(m.req);
        } else if (m.t === 'offer') {
          this.listeners.get(m.endpointId)?.offer?.(m);
        } else if (m.t === 'candidate') {
          this.listeners.get(m.endpointId)?.candidate?.(m);
        }
      });
    });
  }

  send(msg: ToServer): void {
    this.child.send(msg);
  }

  request(msg: RequestMessage): Promise<Extract<FromServer, { t: 'reply' }>> {
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      this.child.send({ ...msg, req } as ToServer);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ t: 'stop' });
    await exited;
  }
}

/** The parts of Endpoint a SyntheticSubscriber uses, carried over IPC. */
function remoteEndpoint(server: ServerProcess, id: string): Endpoint {
  const handlers: { [K in keyof EndpointEvents]?: Array<(e: EndpointEvents[K]) => void> } = {};
  server.listeners.set(id, {
    offer: (m) => handlers.subscriberOffer?.forEach((h) => h({ sdp: m.sdp, tracks: m.tracks })),
    candidate: (m) => handlers.subscriberCandidate?.forEach((h) => h({ candidate: m.candidate, sdpMid: m.mid })),
  });
  const ep = {
    id,
    closed: false,
    on<E extends keyof EndpointEvents>(event: E, fn: (e: EndpointEvents[E]) => void) {
      const list = (handlers[event] ??= []) as Array<(e: EndpointEvents[E]) => void>;
      list.push(fn);
      return () => list.splice(list.indexOf(fn), 1);
    },
    setSubscriberAnswer: (sdp: string) => server.send({ t: 'answer', endpointId: id, sdp }),
    addIceCandidate: (_target: unknown, candidate: string, mid?: string) => server.send({ t: 'subscriberCandidate', endpointId: id, candidate, mid: mid ?? '0' }),
  };
  return ep as unknown as Endpoint;
}

export interface LoadResult {
  mode: 'sfu' | 'relay';
  measurement: Measurement;
  /** Packets the subscribers received during the window. */
  received: number;
  /** Packets the publishers sent during the window. */
  sent: number;
}

/** Runs one scenario against one forwarder. */
export async function runLoad(mode: 'sfu' | 'relay', s: Scenario, log: (msg: string) => void): Promise<LoadResult> {
  const server = new ServerProcess(mode, s.profileDir);
  await server.ready;
  const pubs: SyntheticPublisher[] = [];
  const subs: SyntheticSubscriber[] = [];
  let pump: NodeJS.Timeout | undefined;
  try {
    const packetsPerTick = Math.max(1, Math.round(s.pps / 100));
    for (let i = 0; i < s.publishers; i++) {
      const pub = new SyntheticPublisher(`pub${i}`, 'video', [{ rid: '', ssrc: 5000 + i, width: 640, height: 360, packetsPerFrame: packetsPerTick }]);
      pub.packetBytes = s.packetBytes;
      const trackId = `pub${i}:video`;
      let answered = false;
      const queued: Array<[string, string]> = [];
      const sendCandidate = (candidate: string, mid: string) => server.send({ t: 'publisherCandidate', endpointId: `pub${i}`, trackId, candidate, mid });
      pub.pc.onLocalCandidate((c, mid) => (answered ? sendCandidate(c, mid) : queued.push([c, mid])));
      const offer = pub.createOffer().replace(/a=candidate:[^\r\n]*\r?\n/g, '');
      const reply = await server.request({ t: 'publish', endpointId: `pub${i}`, trackId, offer });
      pub.setAnswer(reply.answer!);
      answered = true;
      for (const [c, m] of queued.splice(0)) sendCandidate(c, m);
      pubs.push(pub);
    }
    await waitFor(() => pubs.every((p) => p.isConnected()), 15_000, 'publishers connected');
    for (let i = 0; i < s.subscribers; i++) {
      const sub = new SyntheticSubscriber(`sub${i}`, remoteEndpoint(server, `sub${i}`));
      sub.keepPackets = false;
      subs.push(sub);
      server.send({ t: 'subscribe', endpointId: `sub${i}`, trackIds: pubs.map((_, k) => `pub${k}:video`) });
    }
    // Paced by elapsed time (a frame of packetsPerTick packets every 10 ms), so a late timer
    // catches up instead of lowering the rate.
    const pumpStart = performance.now();
    let frames = 0;
    pump = setInterval(() => {
      const due = Math.floor((performance.now() - pumpStart) / 10);
      for (let n = 0; frames < due && n < 5; n++, frames++) for (const p of pubs) p.sendFrame();
      if (frames < due) frames = due; // more than 50 ms late: drop the backlog rather than burst
    }, 5);
    await waitFor(() => subs.every((x) => x.isConnected() && x.receivedCount > 0), 20_000, 'subscribers receiving');
    log(`${mode}: ${s.publishers} publishers → ${s.subscribers} subscribers connected; warming up`);
    await new Promise((r) => setTimeout(r, s.warmupMs));
    const sent0 = pubs.reduce((a, p) => a + p.sent, 0);
    const recv0 = subs.reduce((a, x) => a + x.receivedCount, 0);
    await server.request({ t: 'measure', phase: 'start' });
    await new Promise((r) => setTimeout(r, s.measureMs));
    const { measurement } = await server.request({ t: 'measure', phase: 'stop' });
    const sent = pubs.reduce((a, p) => a + p.sent, 0) - sent0;
    const received = subs.reduce((a, x) => a + x.receivedCount, 0) - recv0;
    return { mode, measurement: measurement!, sent, received };
  } finally {
    if (pump) clearInterval(pump);
    for (const x of subs) x.close();
    for (const p of pubs) p.close();
    await server.stop();
  }
}
