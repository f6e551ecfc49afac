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
