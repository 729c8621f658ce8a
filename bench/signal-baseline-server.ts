/**
 * Baseline of the `signal` benchmark: the least a Node WebSocket server can do to fan a message out,
 * in its own process like the Confab server. Each client message `{type, requestId, payload}` is
 * parsed, answered with a response, and one event string (built once) is sent to every other
 * client. No authentication, no validation, no storage. Started by bench/signal.ts over IPC.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const clients = new Set<WebSocket>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 1024 * 1024 });

wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
  ws.on('error', () => undefined);
  ws.on('message', (raw) => {
    let msg: { type?: string; requestId?: string; payload?: { data?: unknown } };
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return;
    }
    ws.send(JSON.stringify({ type: 'response', requestId: msg.requestId ?? null, ok: true, result: {} }));
    if (msg.type !== 'event.send') return;
    const event = JSON.stringify({ type: 'custom', payload: { cid: 'baseline:room', from: 'u', sessionId: 's', data: msg.payload?.data, to: null } });
    for (const other of clients) if (other !== ws && other.readyState === other.OPEN) other.send(event);
  });
});

wss.on('listening', () => {
  const address = wss.address();
  process.send!({ t: 'ready', port: address && typeof address === 'object' ? address.port : 0 });
});

process.on('message', (m: { t: string }) => {
  if (m.t === 'cpu') process.send!({ t: 'cpu', usage: process.cpuUsage() });
  if (m.t === 'stop') {
    for (const c of clients) c.terminate();
    wss.close(() => process.exit(0));
  }
});
