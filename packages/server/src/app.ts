import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { verifyToken } from './auth/tokens.js';
import { turnCredentials } from './auth/turn.js';
import { BUILT_IN_CALL_TYPES } from './calls/call-types.js';
import { CallService } from './calls/call-service.js';
import { ModerationService } from './calls/moderation-service.js';
import { RingService } from './calls/ring-service.js';
import { SfuBridge } from './calls/sfu-bridge.js';
import { SessionRelay } from './calls/session-relay.js';
import type { ServerConfig } from './config/config.js';
import { ConfigError } from './config/config.js';
import { loadOrCreateSecret, resolveApiCredentials, type ApiCredentials } from './config/secrets.js';
import { ConnectionRegistry } from './gateway/connection-registry.js';
import { createRequestHandlers } from './gateway/request-handlers.js';
import { WsGateway } from './gateway/ws-gateway.js';
import { apiRoutes } from './http/api-routes.js';
import { installErrorHandlers } from './http/errors.js';
import { installRateLimit } from './http/rate-limit.js';
import { callTypeRoutes } from './http/call-type-routes.js';
import { notifyRoutes } from './http/notify-routes.js';
import { openApiDocument, registerRoutes } from './http/route-spec.js';
import { registerStaticRoutes } from './http/static-routes.js';
import { createLogger, type Logger } from './log.js';
import { createSfu } from './sfu/index.js';
import { ServerMetrics } from './observability/metrics.js';
import { registerSfuMetrics } from './observability/sfu-metrics.js';
import { generateVapidKeys, PushSender, type VapidKeys } from './notify/push-sender.js';
import { WebhookSender } from './notify/webhook-sender.js';
import { CallStore } from './store/call-store.js';
import { NotificationStore } from './store/notification-store.js';
import { RingStore } from './store/ring-store.js';
import { UserStateStore } from './store/user-state-store.js';
import { openSqlite } from './store/database.js';

export interface ConfabServer {
  /** http://host:port as reachable from this machine. */
  url: string;
  port: number;
  credentials: ApiCredentials;
  calls: CallService;
  metrics: ServerMetrics;
  /** The SFU's single UDP port (useful when configured as 0). */
  udpPort: number;
  logger: Logger;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root, from src/ (tsx) or dist/ (bundle) of packages/server alike. */
const repoRoot = path.resolve(here, '../../..');

/** Starts the HTTP + WebSocket server with storage and the calls domain. */
export async function startServer(config: ServerConfig, logger: Logger = createLogger(config.logLevel)): Promise<ConfabServer> {
  if (config.redisUrl) throw new ConfigError('CONFAB_REDIS_URL', 'cluster mode over Redis is not implemented yet (UNIMPLEMENTED); unset it');
  if (config.databaseUrl) throw new ConfigError('CONFAB_DATABASE_URL', 'PostgreSQL storage is not implemented yet (UNIMPLEMENTED); unset it');

  const credentials: ApiCredentials = {
    ...resolveApiCredentials(config.dataDir, { apiKey: config.apiKey, apiSecret: config.apiSecret }),
    previousSecrets: config.previousApiSecrets,
  };
  const db = await openSqlite(config.dataDir);
  const store = new CallStore(db);
  await store.ensureCallTypes(BUILT_IN_CALL_TYPES);
  const stale = await store.closeOpenSessions(new Date().toISOString(), 'timeout');
  if (stale > 0) logger.info({ sessions: stale }, 'closed sessions left open by a previous run');

  const verify = (token: string) => verifyToken(token, credentials);
  const registry = new ConnectionRegistry();
  const userStates = new UserStateStore(db);
  const calls = new CallService({
    store,
    userStates,
    notifier: registry,
    logger,
    reconnectGraceMs: config.reconnectGraceMs,
    iceServersFor: (userId) =>
      config.turnSecret ? [turnCredentials(config.turnSecret, config.turnUrls, userId, config.turnTtlSeconds)] : [],
  });
  const relay = new SessionRelay(calls, store);
  const sfuOptions = {
    udpPort: config.rtcUdpPort,
    bindAddress: config.rtcBindAddress,
    announcedAddress: config.publicIp,
    extraAddresses: config.extraIps,
    ...(config.rtcAnnouncedPort ? { announcedPort: config.rtcAnnouncedPort } : {}),
    logger: logger.child({ component: 'sfu' }),
  };
  const sfu = await createSfu(sfuOptions).catch(async (error: Error) => {
    // The default port is taken (another server on this machine, say): any free port will do.
    if (!config.rtcUdpPortGiven) {
      logger.warn({ port: config.rtcUdpPort }, 'UDP port taken; the SFU uses a free port instead (set CONFAB_RTC_UDP_PORT to choose)');
      return createSfu({ ...sfuOptions, udpPort: 0 });
    }
    throw new ConfigError('CONFAB_RTC_UDP_PORT', `the SFU cannot use UDP port ${config.rtcUdpPort}: ${error.message}`);
  });
  const bridge = new SfuBridge(sfu, calls, logger);
  const ringStore = new RingStore(db);
  await ringStore.closeStale(new Date().toISOString());
  const notificationStore = new NotificationStore(db);
  const vapid = loadOrCreateSecret<VapidKeys>(config.dataDir, 'vapid', generateVapidKeys);
  const push = new PushSender({ vapid, subject: config.vapidSubject, store: notificationStore, logger });
  const webhooks = config.webhookUrls.length
    ? new WebhookSender({
        urls: config.webhookUrls,
        secret: config.webhookSecret ?? loadOrCreateSecret(config.dataDir, 'webhookSecret', () => randomBytes(32).toString('base64url')),
        store: notificationStore,
        logger,
        retryBaseMs: config.webhookRetryBaseMs,
        maxAttempts: config.webhookMaxAttempts,
      })
    : null;
  if (webhooks) logger.info({ resumed: await webhooks.resumePending() }, 'webhooks on');
  const rings = new RingService({ calls, store: ringStore, notifier: registry, channels: webhooks ? [push, webhooks] : [push], logger });
  const metrics = new ServerMetrics({
    calls: () => calls.active.size,
    participants: () => calls.sessionCount,
    connections: () => registry.size,
  });
  registerSfuMetrics(metrics, sfu);
  const gateway = new WsGateway({
    onRequest: (type, outcome, seconds) => metrics.recordRequest(type, outcome, seconds),
    handlers: createRequestHandlers({ calls, relay, rings, moderation: new ModerationService(calls, userStates), sfu: bridge }),
    registry,
    verify,
    onConnectionClosed: (id) => calls.connectionClosed(id),
    onUserConnected: (userId, connectionId) => void rings.onUserConnected(userId, connectionId).catch(() => undefined),
    allowedOrigins: config.allowedOrigins,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    authTimeoutMs: config.authTimeoutMs,
    logger,
  });

  const app = Fastify({ bodyLimit: 1024 * 1024, return503OnClosing: true });
  installErrorHandlers(app, logger);
  if (config.httpRatePerSecond > 0) installRateLimit(app, config.httpRatePerSecond);
  let draining = false;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining' });
    // Ready means the store answers; otherwise calls cannot be created or joined.
    const storeOk = await sql`select 1`.execute(db).then(() => true, () => false);
    if (!storeOk) return reply.code(503).send({ status: 'unavailable', failing: ['store'] });
    return { status: 'ready' };
  });
  const routes = [
    ...apiRoutes({ calls, callStore: store, ringStore, credentials, verify, demo: config.demo }),
    ...notifyRoutes({ store: notificationStore, vapidPublicKey: vapid.publicKey, credentials, verify }),
    ...callTypeRoutes({ store, credentials, verify }),
  ];
  registerRoutes(app, routes);
  const openapi = openApiDocument(routes, { title: 'Confab REST API', version: '1' });
  app.get('/api/v1/openapi.json', async () => openapi);
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  await registerStaticRoutes(app, {
    webDir: config.webDir ?? path.join(repoRoot, 'apps/web/dist'),
    sdkFile: config.sdkFile ?? path.join(repoRoot, 'packages/client/dist/confab.js'),
  });
  gateway.attach(app.server);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info({ port, dataDir: config.dataDir, demo: config.demo }, 'confab server listening');

  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    credentials,
    calls,
    metrics,
    udpPort: sfu.udpPort,
    logger,
    close() {
      closing ??= (async () => {
        draining = true;
        await gateway.close();
        rings.close();
        bridge.close();
        webhooks?.close();
        calls.close();
        await app.close();
        await db.destroy();
      })();
      return closing;
    },
  };
}
