// What planning an amendment from printed lists reads (src/domain/proposal.ts): an instrument's
// bodies with their lists in force the day before the effective day, the organizations, the posts
// meibo knows, and which of them existed before that day. Plain Prisma reads, no GraphQL.
import { addDays, toDate, type IsoDay } from '../domain/dates.js';
import type { ListedSeat, ProposalState } from '../domain/proposal.js';
import { byListingOrder, type RoleName } from '../domain/seat.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { UnknownInstrument } from '../write/amendments.js';
import { createReadLoaders } from './loaders.js';
import { listingsInForce } from './seats.js';

/** The day before has no known list for the instrument: nothing to plan from. */
export class NotCoveredForProposal extends Error {
  override readonly name = 'NotCoveredForProposal';
  constructor(readonly instrument: string, readonly day: IsoDay) {
    super(`The data does not give the lists of ${instrument} in force on ${day}, the day before the amendment takes effect, so there is nothing to plan from.`);
  }
}

export interface ProposalStateOf {
  instrument: { id: number; code: string; title: string };
  /** the bodies the instrument fixes, with their clause (第1項…) */
  bodies: Array<{ id: number; code: string; name: string; clause: string | null }>;
  dayBefore: IsoDay;
  state: ProposalState;
}

export async function proposalState(prisma: Pick<PrismaClient, 'instrument' | 'body' | 'revision' | 'seat' | 'organization' | 'post' | 'provision'>, instrumentCode: string, effectiveOn: IsoDay): Promise<ProposalStateOf> {
  const instrument = await prisma.instrument.findUnique({ where: { code: instrumentCode }, select: { id: true, code: true, title: true } });
  if (!instrument) {
    const known = (await prisma.instrument.findMany({ select: { code: true }, orderBy: { id: 'asc' } })).map((i) => i.code);
    throw new UnknownInstrument(instrumentCode, known);
  }
  const dayBefore = addDays(effectiveOn, -1);
  const bodies = await prisma.body.findMany({ where: { instrumentId: instrument.id }, orderBy: { position: 'asc' }, select: { id: true, code: true, name: true, clause: true } });
  // The lists in force the day before, by the read layer's one rule (src/read/seats.ts).
  const ctx = { prisma: prisma as PrismaClient, loaders: createReadLoaders(() => prisma as PrismaClient) };
  const seats: Array<{ bodyId: number; role: RoleName; position: number; post: { title: string } }> = [];
  for (const body of bodies) {
    const rows = await listingsInForce(ctx, body, dayBefore, null, null).catch((error: Error) => {
      throw error?.name === 'ReadRefusal' ? new NotCoveredForProposal(instrument.code, dayBefore) : error;
    });
    for (const r of rows) seats.push({ bodyId: r.bodyId, role: r.role, position: r.position, post: { title: (await ctx.loaders.post.load(r.postId))!.title } });
  }
  const organizations = await prisma.organization.findMany({ select: { name: true, collective: true }, orderBy: { position: 'asc' } });
  const posts = await prisma.post.findMany({ select: { title: true, organization: { select: { name: true } } } });
  const before = toDate(effectiveOn);
  const seatedBefore = await prisma.seat.findMany({ where: { validFrom: { lt: before } }, select: { post: { select: { title: true } } }, distinct: ['postId'] });
  const namedBefore = await prisma.provision.findMany({ where: { validFrom: { lt: before } }, select: { post: { select: { title: true } } }, distinct: ['postId'] });
  return {
    instrument,
    bodies,
    dayBefore,
    state: {
      bodies: bodies.map((b) => ({
        code: b.code,
        seats: seats
          .filter((s) => s.bodyId === b.id)
          .map((s): ListedSeat => ({ role: s.role as RoleName, position: s.position, title: s.post.title }))
          .sort(byListingOrder),
      })),
      organizations,
      posts: new Map(posts.map((p) => [p.title, p.organization.name])),
      existedBefore: new Set([...seatedBefore, ...namedBefore].map((s) => s.post.title)),
    },
  };
}
