/**
 * Seeds the database from prisma/data/directory.yaml. Deterministic (same file, same rows in the
 * same order) and idempotent: a database that already holds the directory is left untouched, so
 * a second start changes nothing and amendments recorded later are never overwritten.
 */
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { loadDataset, type Dataset } from '../src/domain/dataset.js';
import { toDate } from '../src/domain/dates.js';
import { searchForm } from '../src/domain/title.js';

export interface SeedResult { seeded: boolean; counts: Partial<Record<string, number>> }

// One key for every instance: servers starting together on one PostgreSQL seed exactly once.
const SEED_LOCK = 0x6d6569626f; // "meibo"

export async function seedDatabase(prisma: PrismaClient, dataset: Dataset = loadDataset()): Promise<SeedResult> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK}::bigint)`;
      if ((await tx.body.count()) > 0) return { seeded: false, counts: {} };

      await tx.datasetInfo.create({ data: { checkedOn: toDate(dataset.checked.on), sources: dataset.checked.sources } });
      await tx.organization.createMany({
        data: dataset.organizations.map((o) => ({ name: o.name, nameEn: o.nameEn, collective: o.collective, position: o.position })),
      });
      const orgId = new Map((await tx.organization.findMany()).map((o) => [o.name, o.id]));

      await tx.post.createMany({
        data: dataset.posts.map((p) => ({
          title: p.title, titleSearch: searchForm(p.title), organizationId: orgId.get(p.organization)!, isClass: p.isClass,
        })),
      });
      const postId = new Map((await tx.post.findMany({ select: { id: true, title: true } })).map((p) => [p.title, p.id]));

      // Successors first, so that a predecessor can point at its successor.
      for (const u of [...dataset.units].sort((a, b) => Number(a.successor !== null) - Number(b.successor !== null))) {
        const successor = u.successor ? await tx.unit.findUniqueOrThrow({ where: { name: u.successor } }) : null;
        await tx.unit.create({
          data: {
            name: u.name, nameEn: u.nameEn, abbreviation: u.abbreviation, organizationId: orgId.get(u.organization)!,
            validFrom: u.from ? toDate(u.from) : null, validTo: u.until ? toDate(u.until) : null, successorId: successor?.id ?? null,
          },
        });
      }

      await tx.instrument.createMany({
        data: dataset.instruments.map((i) => ({ code: i.code, title: i.title, decidedBy: i.decidedBy })),
      });
      const instrumentId = new Map((await tx.instrument.findMany()).map((i) => [i.code, i.id]));
      await tx.revision.createMany({
        data: dataset.instruments.flatMap((i) =>
          i.revisions.map((r) => ({
            instrumentId: instrumentId.get(i.code)!, sequence: r.sequence, decidedOn: toDate(r.decidedOn),
            effectiveOn: r.effectiveOn ? toDate(r.effectiveOn) : null, contentKnown: r.contentKnown,
            note: r.note ?? (i.note && r.sequence === 0 ? i.note : null),
          })),
        ),
      });
      const revisions = await tx.revision.findMany({ include: { instrument: { select: { code: true } } } });
      const revisionId = (instrument: string, decidedOn: string) =>
        revisions.find((r) => r.instrument.code === instrument && r.decidedOn.toISOString().slice(0, 10) === decidedOn)!.id;

      // Parents before children: the dataset lists them so.
      const bodyId = new Map<string, number>();
      for (const b of dataset.bodies) {
        const created = await tx.body.create({
          data: {
            code: b.code, name: b.name, nameEn: b.nameEn, parentId: b.parent ? bodyId.get(b.parent)! : null,
            instrumentId: b.instrument ? instrumentId.get(b.instrument)! : null, clause: b.clause,
            coverageNote: b.coverageNote, position: b.position,
          },
        });
        bodyId.set(b.code, created.id);
      }

      await tx.seat.createMany({
        data: dataset.seats.map((s) => ({
          bodyId: bodyId.get(s.body)!, postId: postId.get(s.title)!, revisionId: revisionId(s.instrument, s.revision),
          clause: s.clause, role: s.role, position: s.position, seatKey: s.seatKey, basis: s.basis,
          validFrom: toDate(s.validFrom), validTo: s.validTo ? toDate(s.validTo) : null,
        })),
      });
      // Every list as printed, then the rows that list one post in one body and role over
      // contiguous days linked into one tenure (the API's seat), by the database's own rule.
      await tx.$executeRaw`SELECT meibo_derive_tenures()`;
      // the API's seats are the tenures: fewer than the listings, since a revision re-lists most seats
      const [{ tenures }] = await tx.$queryRaw<[{ tenures: number }]>`SELECT count(DISTINCT tenure_id)::int AS tenures FROM seat`;
      await tx.provision.createMany({
        data: dataset.provisions.map((p) => ({
          revisionId: revisionId(p.instrument, p.revision), kind: p.kind, clause: p.clause,
          bodyId: p.body ? bodyId.get(p.body)! : null, postId: postId.get(p.post)!, text: p.text,
          validFrom: toDate(p.validFrom), validTo: p.validTo ? toDate(p.validTo) : null,
        })),
      });

      return {
        seeded: true,
        counts: {
          organizations: dataset.organizations.length, posts: dataset.posts.length, bodies: dataset.bodies.length,
          instruments: dataset.instruments.length, revisions: revisions.length, listings: dataset.seats.length, seats: tenures,
          provisions: dataset.provisions.length,
        },
      };
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
}
