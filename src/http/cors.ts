// Which web pages may read meibo's answers from a browser. By default any origin may (the
// directory is public) and never with credentials; MEIBO_CORS_ORIGINS narrows it to a list, and
// MEIBO_CORS_CREDENTIALS=true lets those listed origins send cookies or Authorization.
import type { CORSOptions } from 'graphql-yoga';

export class CorsConfigError extends Error {
  override readonly name = 'CorsConfigError';
}

/** `origins`: MEIBO_CORS_ORIGINS as set; `allowCredentials`: MEIBO_CORS_CREDENTIALS, read by src/config.ts. */
export function corsOptionsFrom(origins: string | undefined, allowCredentials = false): CORSOptions {
  const list = (origins ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  if (list.length === 0 || list.includes('*')) {
    if (allowCredentials) {
      throw new CorsConfigError('MEIBO_CORS_CREDENTIALS=true needs MEIBO_CORS_ORIGINS to list the origins that may send credentials (not *).');
    }
    return { origin: '*', credentials: false };
  }
  for (const origin of list) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin) {
      throw new CorsConfigError(`MEIBO_CORS_ORIGINS: ${JSON.stringify(origin.slice(0, 80))} is not an origin such as https://dashboard.example.go.jp (scheme, host and port only).`);
    }
  }
  // A browser on an origin not listed gets another origin (or "null") back, and refuses the answer.
  return { origin: list, credentials: allowCredentials };
}
