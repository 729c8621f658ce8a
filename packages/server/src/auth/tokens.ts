import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { Cid, UserId } from '@confab/protocol';
import { ServiceError } from '../errors.js';
import type { ApiCredentials } from '../config/secrets.js';

export const ROLES = ['admin', 'host', 'user', 'guest'] as const;
export type Role = (typeof ROLES)[number];

/** What a verified token says about its bearer. */
export interface TokenClaims {
  userId: string;
  name: string | undefined;
  role: Role;
  /** When set, the only calls this token may touch. */
  callCids: string[] | null;
  expiresAt: number;
}

export interface TokenInput {
  userId: string;
  name?: string;
  role?: Role;
  callCids?: string[];
  /** Lifetime in seconds. */
  ttlSeconds: number;
}

function unauthenticated(message: string, cause?: unknown): ServiceError {
  return new ServiceError('UNAUTHENTICATED', message, { cause });
}

function secretKey(credentials: ApiCredentials): Uint8Array {
  return new TextEncoder().encode(credentials.apiSecret);
}

/** Signs an HS256 token for `userId` (CONTRACT.md §4). */
export async function signToken(input: TokenInput, credentials: ApiCredentials): Promise<string> {
  const claims: Record<string, unknown> = {};
  if (input.name !== undefined) claims.name = input.name;
  if (input.role !== undefined) claims.role = input.role;
  if (input.callCids !== undefined) claims.call_cids = input.callCids;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(input.userId)
    .setIssuer(credentials.apiKey)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + input.ttlSeconds)
    .sign(secretKey(credentials));
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'token was not issued by this server (wrong iss)';
    if (error.claim === 'exp') return 'token has no valid exp';
    return `token claim "${error.claim}" is invalid`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm is not allowed (HS256 only)';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return 'token is malformed';
  return 'token is invalid';
}

/**
 * Verifies a client token: HS256 only (so `alg: none` and others fail), signed with the API secret,
 * `iss` equal to the API key, `exp` present and in the future, `sub` a valid user id.
 */
export async function verifyToken(token: string, credentials: ApiCredentials): Promise<TokenClaims> {
  let payload;
  const secrets = [credentials.apiSecret, ...(credentials.previousSecrets ?? [])];
  for (let i = 0; ; i++) {
    try {
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(secrets[i]), {
        algorithms: ['HS256'],
        issuer: credentials.apiKey,
        requiredClaims: ['exp', 'sub'],
      }));
      break;
    } catch (error) {
      // During a rotation, a token signed with a previous secret is still good until it expires.
      if (error instanceof joseErrors.JWSSignatureVerificationFailed && i + 1 < secrets.length) continue;
      throw unauthenticated(describeJoseError(error), error);
    }
  }
  if (!UserId.safeParse(payload.sub).success) throw unauthenticated('token sub is not a valid user id');
  const role = payload.role ?? 'user';
  if (!(ROLES as readonly unknown[]).includes(role)) throw unauthenticated(`token role must be one of ${ROLES.join(', ')}`);
  let callCids: string[] | null = null;
  if (payload.call_cids !== undefined) {
    const cids = payload.call_cids;
    if (!Array.isArray(cids) || !cids.every((c) => Cid.safeParse(c).success)) {
      throw unauthenticated('token call_cids must be a list of "type:id"');
    }
    callCids = cids as string[];
  }
  const name = typeof payload.name === 'string' ? payload.name.slice(0, 128) : undefined;
  return { userId: payload.sub as string, name, role: role as Role, callCids, expiresAt: (payload.exp as number) * 1000 };
}

/** FORBIDDEN unless the token may touch `cid`. */
export function assertCallAllowed(claims: Pick<TokenClaims, 'callCids'>, cid: string): void {
  if (claims.callCids && !claims.callCids.includes(cid)) {
    throw new ServiceError('FORBIDDEN', `this token is limited to ${claims.callCids.join(', ')} and cannot use ${cid}`);
  }
}
