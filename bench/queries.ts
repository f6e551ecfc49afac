// The four dashboard operations the HTTP benchmark measures, exactly as a client sends them.
export interface Operation {
  key: 'chair' | 'members' | 'diff' | 'orgSeats';
  label: string;
  query: string;
}

export const OPERATIONS: Operation[] = [
  {
    key: 'chair',
    label: '(a) chair as of 2025-07-01',
    query:
      '{ chair(body: "secretariat", asOf: "2025-07-01") { post { title organization { name } } validFrom source { revision { decidedOn effectiveOn } clause } } }',
  },
  {
    key: 'members',
    label: '(b) members as of 2025-07-01',
    query:
      '{ members(body: "secretariat", asOf: "2025-07-01") { role position post { title organization { name nameEn } } } }',
  },
  {
    key: 'diff',
    label: '(c) diff 2025-06-30 → 2025-07-01',
    query:
      '{ membershipDiff(body: "deputy-director-meeting", from: "2025-06-30", to: "2025-07-01") { unchanged renamed { before { post { title } } after { post { title } } } added { post { title } } removed { post { title } } } }',
  },
  {
    key: 'orgSeats',
    label: '(d) 内閣官房 posts × seats',
    query:
      '{ organization(name: "内閣官房") { posts(first: 50) { edges { node { title seats { role validFrom validTo body { code } firstListing { position } } } } } } }',
  },
];

export const requestBody = (op: Operation) => JSON.stringify({ query: op.query });

/**
 * A peer's own wording of some of the operations (its schema is not meibo's), and how its `data`
 * reads in meibo's shape, so that the bench checks it gives the same answer before timing it.
 */
export interface PeerOperation {
  query: string;
  toMeibo(data: any): unknown;
}

/** PostGraphile 5 (bench/peers/postgraphile): the two dashboard questions, through its SQL functions chair and members. */
export const POSTGRAPHILE_OPERATIONS: Partial<Record<Operation['key'], PeerOperation>> = {
  chair: {
    query:
      '{ chair(bodyCode: "secretariat", asOf: "2025-07-01") { postByPostId { title organizationByOrganizationId { name } } validFrom clause revisionByRevisionId { decidedOn effectiveOn } } }',
    toMeibo: ({ chair: c }) => ({
      chair: c && {
        post: { title: c.postByPostId.title, organization: { name: c.postByPostId.organizationByOrganizationId.name } },
        validFrom: c.validFrom,
        source: { revision: { decidedOn: c.revisionByRevisionId.decidedOn, effectiveOn: c.revisionByRevisionId.effectiveOn }, clause: c.clause },
      },
    }),
  },
  members: {
    query:
      '{ members(bodyCode: "secretariat", asOf: "2025-07-01") { nodes { role position postByPostId { title organizationByOrganizationId { name nameEn } } } } }',
    toMeibo: ({ members }) => ({
      members: members.nodes.map((s: any) => ({
        role: s.role,
        position: s.position,
        post: { title: s.postByPostId.title, organization: { name: s.postByPostId.organizationByOrganizationId.name, nameEn: s.postByPostId.organizationByOrganizationId.nameEn } },
      })),
    }),
  },
};
