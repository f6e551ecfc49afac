// Popolo (popoloproject.com) from an export's plain data: the exchange format of EveryPolitician
// and Open States. Property names and types as the Popolo JSON Schemas define them
// (tests/fixtures/popolo/). meibo knows posts, not persons: a membership is a seat — a post in a
// body, in a role, over days — with no person_id.
import { addDays, type IsoDay } from '../domain/dates.js';
import type { ExportData, ExportSeat } from './directory.js';

export interface PopoloLink {
  url: string;
  note: string;
}
export interface PopoloOrganization {
  id: string;
  name: string;
  other_names?: Array<{ name: string; note: string }>;
  identifiers?: Array<{ identifier: string; scheme: string }>;
  classification?: string;
  parent_id?: string | null;
}
export interface PopoloPost {
  id: string;
  label: string;
  organization_id: string;
}
export interface PopoloMembership {
  id: string;
  label: string;
  role: string;
  organization_id: string;
  post_id: string;
  start_date: string;
  end_date: string | null;
  sources: PopoloLink[];
}
export interface PopoloExport {
  meta: { generator: string; asOf: string | null; body: string | null; note: string };
  organizations: PopoloOrganization[];
  posts: PopoloPost[];
  memberships: PopoloMembership[];
}

/** Popolo's roles are free text; these are the English words of docs/domain.md, and the Japanese as printed. */
export const ROLE_WORDS: Record<ExportSeat['role'], { en: string; ja: string }> = {
  CHAIR: { en: 'chair', ja: '議長' },
  VICE_CHAIR: { en: 'vice chair', ja: '副議長' },
  MEMBER: { en: 'member', ja: '構成員' },
  OBSERVER: { en: 'observer', ja: 'オブザーバー' },
};

export interface PopoloOptions {
  /** where meibo is served (http://localhost:4000): each membership's source links to the query that shows it there */
  baseUrl: string;
}

/** The GraphQL request (as a GET URL) whose answer lists the seat with its source, in meibo itself. */
export function sourceUrl(baseUrl: string, seat: ExportSeat): string {
  const query = `{members(body:"${seat.body}",asOf:"${seat.validFrom}",role:${seat.role}){position post{title} source{instrument{title} revision{sequence decidedOn effectiveOn} clause}}}`;
  return `${baseUrl.replace(/\/+$/, '')}/graphql?query=${encodeURIComponent(query)}`;
}

/** 「title」 revision n (decided D, in force E), clause — as a person would cite it. */
export function sourceNote(seat: ExportSeat): string {
  const { instrument, revision, clause } = seat.source;
  const inForce = revision.effectiveOn ? `, in force ${revision.effectiveOn}` : '';
  return `「${instrument.title}」 revision ${revision.sequence} (decided ${revision.decidedOn}${inForce}), ${clause}`;
}

export function toPopolo(data: ExportData, options: PopoloOptions): PopoloExport {
  const bodyIds = new Map(data.bodies.map((b) => [b.code, b.id]));
  const bodies: PopoloOrganization[] = data.bodies.map((b) => ({
    id: b.id,
    name: b.name,
    ...(b.nameEn ? { other_names: [{ name: b.nameEn, note: 'English' }] } : {}),
    identifiers: [{ identifier: b.code, scheme: 'meibo body code' }],
    classification: 'council',
    parent_id: b.parent === null ? null : (bodyIds.get(b.parent) ?? null),
  }));

  const organizations = new Map<string, PopoloOrganization>();
  const posts = new Map<string, PopoloPost>();
  for (const seat of data.seats) {
    const org = seat.post.organization;
    if (!organizations.has(org.id)) {
      organizations.set(org.id, { id: org.id, name: org.name, ...(org.nameEn ? { other_names: [{ name: org.nameEn, note: 'English' }] } : {}) });
    }
    if (!posts.has(seat.post.id)) posts.set(seat.post.id, { id: seat.post.id, label: seat.post.title, organization_id: org.id });
  }

  const memberships: PopoloMembership[] = data.seats.map((seat) => ({
    id: seat.id,
    label: `${ROLE_WORDS[seat.role].ja} ${seat.position}`,
    role: ROLE_WORDS[seat.role].en,
    organization_id: bodyIds.get(seat.body)!,
    post_id: seat.post.id,
    start_date: seat.validFrom,
    // Popolo's end_date is the last day of the relationship; meibo's validTo is the first day after it.
    end_date: seat.validTo === null ? null : addDays(seat.validTo as IsoDay, -1),
    sources: [{ url: sourceUrl(options.baseUrl, seat), note: sourceNote(seat) }],
  }));

  return {
    meta: {
      generator: 'meibo',
      asOf: data.asOf,
      body: data.body,
      note:
        (data.asOf ? `The seats in force on ${data.asOf}` : 'Every seat over the whole history the data covers') +
        '. Memberships are seats (a post in a body in a role), not persons; end_date is the last day in force. ' +
        'Bodies whose roster the sources do not give (the promotion council) have no memberships.',
    },
    organizations: [...bodies, ...organizations.values()],
    posts: [...posts.values()],
    memberships,
  };
}
