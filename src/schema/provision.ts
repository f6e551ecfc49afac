// Provision: what an instrument says of a post without seating it — the サイバーセキュリティ参与 that
// the chairs may invite (「…運営について」１) and CYMAT's lead and deputy lead (「…CYMATの運営等について」４).
import { builder } from '../builder.js';
import { inForceOn } from '../read/in-force.js';
import type { Prisma } from '../generated/prisma/client.js';

const ProvisionKind = builder.enumType('ProvisionKind', {
  values: {
    INVITEE: { description: 'A post the chair may ask to attend (参加を求めることができる).' },
    CYMAT_LEAD: { description: 'CYMAT’s 統括責任者 (政府CISO).' },
    CYMAT_DEPUTY_LEAD: { description: 'CYMAT’s 統括副責任者.' },
  } as const,
});

const inForce = (asOf: string | null | undefined): Prisma.ProvisionWhereInput =>
  asOf ? inForceOn(asOf as never) : {};

builder.prismaObject('Provision', {
  description: 'A provision of an instrument that names a post without seating it, with its words as printed.',
  fields: (t) => ({
    kind: t.field({ type: ProvisionKind, resolve: (p) => p.kind as 'INVITEE' | 'CYMAT_LEAD' | 'CYMAT_DEPUTY_LEAD' }),
    clause: t.exposeString('clause'),
    post: t.relation('post'),
    body: t.relation('body', { nullable: true, description: 'The body it applies to, when it applies to one.' }),
    revision: t.relation('revision'),
    text: t.exposeString('text', { description: 'The provision’s words as printed (line breaks removed).' }),
    validFrom: t.expose('validFrom', { type: 'Date' }),
    validTo: t.expose('validTo', { type: 'Date', nullable: true }),
  }),
});

builder.prismaObjectField('Body', 'provisions', (t) =>
  t.relation('provisions', {
    description: 'Provisions about this body in force on `asOf` (all, oldest first, when omitted): e.g. the 参与 its chair may invite.',
    args: { asOf: t.arg({ type: 'Date' }) },
    query: (args) => ({ where: inForce(args.asOf), orderBy: [{ validFrom: 'asc' }, { id: 'asc' }] }),
  }),
);

builder.queryFields((t) => ({
  provisions: t.prismaField({
    type: ['Provision'],
    description: 'Provisions in force on `asOf` (all when omitted), optionally of one kind: e.g. who leads CYMAT on a day.',
    args: { kind: t.arg({ type: ProvisionKind }), asOf: t.arg({ type: 'Date' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.provision.findMany({
        ...query,
        where: { ...(args.kind ? { kind: args.kind } : {}), ...inForce(args.asOf) },
        orderBy: [{ validFrom: 'asc' }, { id: 'asc' }],
      }),
  }),
}));
