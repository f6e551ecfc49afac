/**
 * Who may write. Reads are public; every mutation needs `Authorization: Bearer <token>` of a
 * token with the editor scope. Tokens are configured by their SHA-256 only (MEIBO_TOKENS), so
 * the configuration holds no secret worth stealing; a presented token is hashed and compared in
 * constant time against every configured hash. Tokens are never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type Scope = 'editor';

export interface TokenEntry { name: string; scopes: Scope[]; hash: Buffer }
export interface Principal { name: string; scopes: Scope[] }

export class TokenConfigError extends Error {
  override readonly name = 'TokenConfigError';
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * MEIBO_TOKENS: comma-separated `name:scopes:sha256hex`, scopes joined by `+`
 * (e.g. `alice:editor:9f86d0…`). `npm run token -- alice` prints such an entry with a fresh token.
 */
export function parseTokens(config: string | undefined): TokenEntry[] {
  if (!config?.trim()) return [];
  return config.split(',').map((raw, i) => {
    const parts = raw.trim().split(':');
    if (parts.length !== 3) throw new TokenConfigError(`MEIBO_TOKENS entry ${i + 1} is not name:scopes:sha256hex`);
    const [name, scopes, hex] = parts;
    if (!/^[\w.@-]+$/.test(name)) throw new TokenConfigError(`MEIBO_TOKENS entry ${i + 1}: a name is letters, digits and . _ @ -`);
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new TokenConfigError(`MEIBO_TOKENS entry ${i + 1} (${name}): the hash must be 64 hex digits of SHA-256`);
    const list = scopes.split('+').filter(Boolean);
    for (const s of list) if (s !== 'editor') throw new TokenConfigError(`MEIBO_TOKENS entry ${i + 1} (${name}): unknown scope ${s}`);
    return { name, scopes: list as Scope[], hash: Buffer.from(hex, 'hex') };
  });
}

/** The principal a bearer header stands for; null when absent, undefined when presented but unknown. */
export function authenticate(header: string | null | undefined, tokens: readonly TokenEntry[]): Principal | null | undefined {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  const presented = sha256(match[1]);
  let found: TokenEntry | undefined;
  // Compare against every entry, whatever matches, so timing tells nothing about which or whether.
  for (const entry of tokens) {
    if (timingSafeEqual(entry.hash, presented) && !found) found = entry;
  }
  return found ? { name: found.name, scopes: found.scopes } : undefined;
}

/** A fresh token and the MEIBO_TOKENS entry that admits it. */
export function issueToken(name: string, scopes: Scope[] = ['editor']): { token: string; entry: string } {
  const token = `meibo_${randomBytes(24).toString('base64url')}`;
  return { token, entry: `${name}:${scopes.join('+')}:${sha256(token).toString('hex')}` };
}
