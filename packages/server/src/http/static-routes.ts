import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from './errors.js';

export interface StaticOptions {
  webDir: string;
  sdkFile: string;
}

const SDK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Confab SDK</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 16px;color:#1d2433}code,pre{background:#f3f4f8;border-radius:6px}pre{padding:12px;overflow:auto}</style>
</head><body>
<h1>Confab browser SDK</h1>
<p>Import the SDK as one ES module from this server:</p>
<pre><code>import { ConfabClient, CallingState, ConfabError } from '/sdk/confab.js';</code></pre>
<p>Open the developer console on this page to try it: <code>const sdk = await import('/sdk/confab.js')</code>.</p>
</body></html>`;

/** The web app at `/` (with client-side routes), the SDK bundle at `/sdk/confab.js`. */
export async function registerStaticRoutes(app: FastifyInstance, opts: StaticOptions): Promise<void> {
  app.get('/sdk/confab.js', async (_request, reply) => {
    if (!fs.existsSync(opts.sdkFile)) return sendError(reply, 'UNAVAILABLE', 'the SDK is not built; run npm run build');
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache');
    return reply.send(fs.createReadStream(opts.sdkFile));
  });
  app.get('/sdk/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(SDK_PAGE));

  const index = path.join(opts.webDir, 'index.html');
  if (fs.existsSync(index)) {
    await app.register(fastifyStatic, { root: opts.webDir, prefix: '/', wildcard: false, index: 'index.html' });
  } else {
    app.get('/', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><p>The Confab web app is not built. Run <code>npm run build</code>.</p>'),
    );
  }

  app.setNotFoundHandler(async (request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
    if (isPage && fs.existsSync(index)) {
      // Client-side routes of the single-page app (for instance /call/standup).
      return reply.type('text/html; charset=utf-8').send(fs.createReadStream(index));
    }
    return sendError(reply, 'NOT_FOUND', `${request.method} ${request.url.split('?')[0]} does not exist`);
  });
}
