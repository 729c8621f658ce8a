import { ConfigError, loadConfig } from './config/config.js';
import { startServer } from './app.js';

/** `npm start`: one server process in the embedded default configuration. */
async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  process.stdout.write(`\nConfab is running: open ${server.url}\n\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const debug = (process.env.DEBUG ?? '').startsWith('confab');
  if (debug) console.error(error);
  const err = error as NodeJS.ErrnoException;
  if (error instanceof ConfigError) console.error(`confab: configuration error: ${error.message}`);
  else if (err?.code === 'EADDRINUSE') console.error(`confab: port already in use (${err.message}); set PORT to a free port`);
  else if (err?.code === 'EACCES') console.error(`confab: permission denied (${err.message})`);
  else console.error(`confab: failed to start: ${err?.message ?? String(error)}`);
  process.exit(1);
});
