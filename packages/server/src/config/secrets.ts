import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface ApiCredentials {
  apiKey: string;
  apiSecret: string;
  /** Secrets still accepted for verification while rotating (never used to sign). */
  previousSecrets?: string[];
}

interface SecretsFile {
  apiKey?: string;
  apiSecret?: string;
  [other: string]: unknown;
}

const SECRETS_FILE = 'secrets.json';

function readSecrets(file: string): SecretsFile {
  if (!fs.existsSync(file)) return {};
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SecretsFile;
  } catch (error) {
    throw new Error(`${file} is not valid JSON; fix or delete it to generate new secrets`, { cause: error });
  }
}

function writeSecrets(file: string, secrets: SecretsFile): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

/**
 * Returns a generated secret stored under `name` in the data dir's secrets file, creating it
 * on first use. The file is kept at mode 0600.
 */
export function loadOrCreateSecret<T>(dataDir: string, name: string, create: () => T): T {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, SECRETS_FILE);
  const secrets = readSecrets(file);
  if (secrets[name] !== undefined) return secrets[name] as T;
  const value = create();
  writeSecrets(file, { ...secrets, [name]: value });
  return value;
}

/** API key and secret from the environment, or generated on first start and kept in the data dir. */
export function resolveApiCredentials(dataDir: string, fromEnv: Partial<ApiCredentials>): ApiCredentials {
  if (fromEnv.apiKey && fromEnv.apiSecret) return { apiKey: fromEnv.apiKey, apiSecret: fromEnv.apiSecret };
  return loadOrCreateSecret(dataDir, 'api', () => ({
    apiKey: `confab_${randomBytes(8).toString('hex')}`,
    apiSecret: randomBytes(32).toString('base64url'),
  }));
}
