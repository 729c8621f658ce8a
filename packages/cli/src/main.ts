/**
 * The `confab` command (packages/cli/bin/confab.js runs this file through tsx).
 * A failure is one line on stderr; the stack trace only with DEBUG=confab*.
 */
import { CliError, debugEnabled } from './errors.js';
import { loadTest } from './load-test.js';
import { shutdownRtc } from './load/rtc.js';

const USAGE = `usage: confab <command> [options]

commands:
  load-test   synthetic WebRTC participants against a Confab server (confab load-test --help)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'load-test':
      return loadTest(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new CliError(`unknown command "${command}"\n${USAGE}`, 2);
  }
}

const command = process.argv[2] ?? 'confab';

/**
 * An error nobody caught (a bug): one line, then close libdatachannel before exiting; a process
 * exiting with live peer connections can hang in libdatachannel's destructors.
 */
function fatal(error: unknown): void {
  if (debugEnabled()) console.error(error);
  process.stderr.write(`confab ${command}: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
  void shutdownRtc(2000).finally(() => process.exit(1));
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; if a handle still kept the process alive, do not hang.
    setTimeout(() => {
      if (debugEnabled()) process.stderr.write('confab: a handle was still open at exit\n');
      process.exit(code);
    }, 3000).unref();
  },
  (error: unknown) => {
    if (debugEnabled()) console.error(error);
    const message = error instanceof CliError ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`confab ${command}: ${message}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
