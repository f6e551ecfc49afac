// Seat (a tenure: one post's continuous time in one body and role) and Listing (how one revision
// prints it: position, source, basis). What varies by day lives on the listing, whose id is the
// row's; the seat's id is its first listing's, the same on every day it continues.
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { listingEnd, listingKnown, listingsOfTenure, startsCoverage, tenureEnd } from '../read/seats.js';
import { inForceOnDay } from '../read/in-force.js';
import { BodyRef, InstrumentRef, ListingRef, PostRef, RevisionRef, SeatRef, SourceRef } from './refs.js';
import { knownAtOf, nodeOf, view, viewRow, views } from './view.js';
import { KNOWN_AT } from './body.js';

export const RoleEnum = builder.enumType('Role', {
  description: 'The role a seat gives its post: 議長, 副議長, 構成員, オブザーバー.',
  values: {
    CHAIR: { description: '議長' },
    VICE_CHAIR: { description: '副議長' },
    MEMBER: { description: '構成員' },
    OBSERVER: { description: 'オブザーバー' },
  } as const,
});

SourceRef.implement({
  description: 'Where a listing comes from: the instrument, the revision whose text prints it, the clause and the role.',
  fields: (t) => ({
    instrument: t.field({
      type: InstrumentRef,
      resolve: async (s, _args, ctx) => {
        const revision = (await ctx.loaders.revision.load(s.row.revisionId))!;
        return view((await ctx.loaders.instrument.load(revision.instrumentId))!, s.k);
      },
    }),
    revision: t.field({ type: RevisionRef, resolve: (s, _args, ctx) => viewRow(ctx.loaders, 'revision', s.row.revisionId, s.k) }),
    clause: t.string({ description: '第1項, 第2項…', resolve: (s) => s.row.clause }),
    role: t.field({ type: RoleEnum, resolve: (s) => s.row.role }),
  }),
});

builder.node(ListingRef, {
  description:
    'How one revision prints a seat: its place in the list (role and position), its source and basis, in force from ' +
    'validFrom until the next revision of the instrument. `members` and `chair` answer listings; the seat (tenure) they ' +
    'belong to is `seat`, the same across every listing of it.',
  ...nodeOf((ctx: Context, id) => ctx.loaders.listing.load(id), (ctx, row, k) => listingKnown(ctx, row, k)),
  fields: (t) => ({
    role: t.field({ type: RoleEnum, resolve: (l) => l.row.role }),
    position: t.int({ description: '1-based order within the role, as this revision prints it.', resolve: (l) => l.row.position }),
    post: t.field({ type: PostRef, resolve: (l, _args, ctx) => viewRow(ctx.loaders, 'post', l.row.postId, l.k) }),
    body: t.field({ type: BodyRef, resolve: async (l, _args, ctx) => view((await ctx.loaders.static()).bodies.find((b) => b.id === l.row.bodyId)!, l.k) }),
    seat: t.field({
      type: SeatRef,
      description: 'The seat (tenure) this listing prints.',
      // through the loader even when held at hand: a seat's fields then load in one batch for all
      // listings, whether or not the list in force printed the seat's first listing
      resolve: async (l, _args, ctx) => view((await ctx.loaders.listing.load(l.row.tenureId!))!, l.k),
    }),
    source: t.field({ type: SourceRef, resolve: (l) => l }),
    basis: t.string({
      nullable: true,
      description: 'What founds the post’s membership, as the instrument prints it (e.g. the rule that defines サイバーセキュリティ参与).',
      resolve: (l) => l.row.basis,
    }),
    validFrom: t.field({ type: 'Date', description: 'The day this listing took effect (its revision’s day in force).', resolve: (l) => l.row.validFrom }),
    validTo: t.field({
      type: 'Date',
      nullable: true,
      description: 'The day the next revision of the instrument took effect (exclusive); null while none is known (as decided by `knownAt`).',
      resolve: (l, _args, ctx) => listingEnd(ctx, l.row, l.k),
    }),
  }),
});

builder.node(SeatRef, {
  description:
    'One post’s continuous tenure in one body and role: re-listed unchanged by later revisions it stays the same seat ' +
    '(same id, same validFrom). Its place in the list on a day is a listing (`listing(asOf:)`, or `members`). A post ' +
    'printed in place of another starts a new seat, linked by seatKey (a rename).',
  // a seat's id is its first listing's
  ...nodeOf(
    (ctx: Context, id) => ctx.loaders.listing.load(id),
    async (ctx, row, k) => row.tenureId === row.id && (await listingKnown(ctx, row, k)),
    (row) => row.tenureId!,
  ),
  fields: (t) => ({
    role: t.field({ type: RoleEnum, resolve: (s) => s.row.role }),
    post: t.field({ type: PostRef, resolve: (s, _args, ctx) => viewRow(ctx.loaders, 'post', s.row.postId, s.k) }),
    body: t.field({ type: BodyRef, resolve: async (s, _args, ctx) => view((await ctx.loaders.static()).bodies.find((b) => b.id === s.row.bodyId)!, s.k) }),
    seatKey: t.string({
      description: 'Identifies the place across renames: a post printed in place of another keeps it, a new seat gets a new one.',
      resolve: (s) => s.row.seatKey,
    }),
    validFrom: t.field({
      type: 'Date',
      description: 'First day of the tenure; see validFromIsCoverageStart: the first day the data covers says "at least since", not "since".',
      resolve: (s) => s.row.tenureFrom ?? s.row.validFrom,
    }),
    validFromIsCoverageStart: t.boolean({
      description:
        'True when validFrom is the first day of the data’s coverage for this body: the post was listed since at least ' +
        'that day, and earlier days are unknown. False: the tenure began on validFrom.',
      // the first day of a covered stretch: the day before it is not covered
      resolve: (s, _args, ctx) => startsCoverage(ctx, s.row.revisionId, s.row.tenureFrom ?? s.row.validFrom),
    }),
    validTo: t.field({
      type: 'Date',
      nullable: true,
      description: 'First day the tenure no longer holds; null while it continues (as decided by `knownAt`: an end decided later is not known).',
      resolve: (s) => tenureEnd(s.row, s.k),
    }),
    listings: t.field({
      type: [ListingRef],
      description: 'Every listing of this seat, first first (those decided by `knownAt`).',
      args: { knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (s, args, ctx) => {
        const k = knownAtOf(s, args.knownAt);
        return views(await listingsOfTenure(ctx, s.row.tenureId!, k), k);
      },
    }),
    firstListing: t.field({
      type: ListingRef,
      description: 'The listing that started the seat: its first position and source.',
      resolve: (s) => s,
    }),
    listing: t.field({
      type: ListingRef,
      nullable: true,
      description: 'The listing in force on `asOf`: the seat’s position and source that day; null when the seat is not in force then.',
      args: { asOf: t.arg({ type: 'Date', required: true }), knownAt: t.arg({ type: 'Date', description: KNOWN_AT }) },
      resolve: async (s, args, ctx) => {
        const k = knownAtOf(s, args.knownAt);
        for (const row of await listingsOfTenure(ctx, s.row.tenureId!, k)) {
          if (inForceOnDay({ validFrom: row.validFrom, validTo: await listingEnd(ctx, row, k) }, args.asOf)) return view(row, k);
        }
        return null;
      },
    }),
  }),
});
