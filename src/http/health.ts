// Liveness and readiness. `/health` is Yoga's own health check (on by default in every Yoga
// instance: 200 while the process serves HTTP). `/ready` answers 200 only while the database and
// each read replica answer a trivial query within `timeoutMs` and the server is not shutting
// down; otherwise 503, so a load balancer stops sending traffic. The response cache's Redis is not
// checked: without it reads bypass the cache and stay correct.
import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import type { PrismaClient } from '../generated/prisma/client.js';

export interface ReadinessOptions {
  db: Pick<PrismaClient, '$queryRaw'>;
  /** read replicas: each must answer too (a query may be sent to any of them) */
  replicas?: Array<Pick<PrismaClient, '$queryRaw'>>;
  /** true once shutdown has begun */
  draining?: () => boolean;
  /** the database must answer within this many ms (default 2000) */
  timeoutMs?: number;
  endpoint?: string;
}

export function useDatabaseReadiness(options: ReadinessOptions): Plugin<Record<string, unknown>> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return useReadinessCheck({
    endpoint: options.endpoint ?? '/ready',
    async check() {
      if (options.draining?.()) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.all([options.db, ...(options.replicas ?? [])].map((db) => db.$queryRaw`SELECT 1`)),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
        ]);
        return true;
      } catch {
        // false, not the error: its message could name the database host.
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
  }) as Plugin<Record<string, unknown>>;
}
