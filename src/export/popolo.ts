// Popolo (popoloproject.com) from an export's plain data: the exchange format of EveryPolitician
// and Open States. Property names and types as the Popolo JSON Schemas define them
// (tests/fixtures/popolo/). meibo knows posts, not persons, so:
//   - each seat (a post's tenure in a council, in a role) is a Popolo Post of the council;
//   - each listing of a seat (the seat as one revision prints it: position, source) is a
//     Membership of that Post, on behalf of the ministry or agency the post belongs to, with no
//     person_id.
// What Popolo has no property for is said with properties prefixed `meibo:` (Popolo's conformance
// rules allow a document's own properties), listed and explained in EXTENSIONS and in meta.
import { addDays, type IsoDay } from '../domain/dates.js';
import { startUnknown, type ExportData, type ExportListing, type ExportRole } from './directory.js';

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
/** A seat of a council. */
export interface PopoloPost {
  id: string;
  /** the post's title as printed */
  label: string;
  role: string;
  organization_id: string;
  start_date?: string;
  'meibo:at_least_since'?: string;
  end_date: string | null;
  'meibo:post_id': string;
}
export interface PopoloRenameLink {
  membership_id: string;
  kind: string;
}
/** A listing of a seat. */
export interface PopoloMembership {
  id: string;
  label: string;
  role: string;
  organization_id: string;
  post_id: string;
  on_behalf_of_id: string;
  start_date?: string;
  'meibo:at_least_since'?: string;
  end_date: string | null;
  'meibo:renamed_from'?: PopoloRenameLink;
  'meibo:renamed_to'?: PopoloRenameLink;
  sources?: PopoloLink[];
}
export interface PopoloExport {
  meta: {
    generator: string;
    asOf: string | null;
    knownAt: string | null;
    body: string | null;
    note: string;
    extensions: Record<string, string>;
  };
  organizations: PopoloOrganization[];
  posts: PopoloPost[];
  memberships: PopoloMembership[];
}

/** Popolo's roles are free text; these are the English words of the API's roles, and the Japanese as printed. */
export const ROLE_WORDS: Record<ExportRole, { en: string; ja: string }> = {
  CHAIR: { en: 'chair', ja: '議長' },
  VICE_CHAIR: { en: 'vice chair', ja: '副議長' },
  MEMBER: { en: 'member', ja: '構成員' },
  OBSERVER: { en: 'observer', ja: 'オブザーバー' },
};

/** meibo's own properties, as the file's meta explains them (and README's "Exports"). */
export const EXTENSIONS: Record<string, string> = {
  'meibo:at_least_since':
    'On a post or membership without start_date: it began on or before this day, which is the first day the data covers ' +
    'for its council; the sources do not say when (start_date is left out, as EveryPolitician does for unknown starts).',
  'meibo:renamed_from':
    'On the first membership of a seat that took another seat’s place (a rename): {membership_id, kind} of the membership ' +
    'it replaced; kind is the API’s RenameKind (RETITLE: the same office retitled; SUCCESSION: a post that existed before; ' +
    'and any kind the API adds), passed through as given.',
  'meibo:renamed_to': 'The other end of the same link, on the last membership of the seat that was replaced.',
  'meibo:post_id': 'On a post: the id of the office (職) in meibo’s API (node(id:)); one office may hold seats in several councils.',
};

export interface PopoloOptions {
  /**
   * MEIBO_PUBLIC_URL (https://meibo.example): each membership's source links to the query that
   * shows its listing there. Without it, memberships have no `sources` (a Popolo link needs an
   * absolute URL, and the request's Host header is not trusted to make one).
   */
  publicUrl?: string;
}

/** The GraphQL request (as a GET URL) whose answer shows the listing with its source, in meibo itself. */
export function sourceUrl(publicUrl: string, listing: ExportListing, knownAt: IsoDay | null): string {
  const { seat } = listing;
  const known = knownAt ? `,knownAt:"${knownAt}"` : '';
  const query = `{members(body:"${seat.body}",asOf:"${listing.listedFrom}"${known},role:${seat.role}){position post{title} source{instrument{title} revision{sequence decidedOn effectiveOn} clause}}}`;
  return `${publicUrl.replace(/\/+$/, '')}/graphql?query=${encodeURIComponent(query)}`;
}

/** 「title」 revision n (decided D, in force E), clause — as a person would cite it. */
export function sourceNote(listing: ExportListing): string {
  const { instrument, revision, clause } = listing.source;
  const inForce = revision.effectiveOn ? `, in force ${revision.effectiveOn}` : '';
  return `「${instrument.title}」 revision ${revision.sequence} (decided ${revision.decidedOn}${inForce}), ${clause}`;
}

/** Popolo's end_date is the last day of the relationship; meibo's ends are the first day after it. */
const lastDay = (end: string | null) => (end === null ? null : addDays(end as IsoDay, -1));

export function toPopolo(data: ExportData, options: PopoloOptions = {}): PopoloExport {
  const bodyIds = new Map(data.bodies.map((b) => [b.code, b.id]));
  const councils: PopoloOrganization[] = data.bodies.map((b) => ({
    id: b.id,
    name: b.name,
    ...(b.nameEn ? { other_names: [{ name: b.nameEn, note: 'English' }] } : {}),
    identifiers: [{ identifier: b.code, scheme: 'meibo body code' }],
    classification: 'council',
    parent_id: b.parent === null ? null : (bodyIds.get(b.parent) ?? null),
  }));

  const ministries = new Map<string, PopoloOrganization>();
  const posts = new Map<string, PopoloPost>();
  for (const { seat } of data.listings) {
    const org = seat.post.organization;
    if (!ministries.has(org.id)) {
      ministries.set(org.id, { id: org.id, name: org.name, ...(org.nameEn ? { other_names: [{ name: org.nameEn, note: 'English' }] } : {}) });
    }
    if (!posts.has(seat.id)) {
      posts.set(seat.id, {
        id: seat.id,
        label: seat.post.title,
        role: ROLE_WORDS[seat.role].en,
        organization_id: bodyIds.get(seat.body)!,
        ...(seat.validFromIsCoverageStart ? { 'meibo:at_least_since': seat.validFrom } : { start_date: seat.validFrom }),
        end_date: lastDay(seat.validTo),
        'meibo:post_id': seat.post.id,
      });
    }
  }

  const renamedFrom = new Map(data.renames.map((r) => [r.after, r]));
  const renamedTo = new Map(data.renames.map((r) => [r.before, r]));
  const memberships: PopoloMembership[] = data.listings.map((listing) => {
    const { seat } = listing;
    const from = renamedFrom.get(listing.id);
    const to = renamedTo.get(listing.id);
    return {
      id: listing.id,
      label: `${ROLE_WORDS[seat.role].ja} ${listing.position}`,
      role: ROLE_WORDS[seat.role].en,
      organization_id: bodyIds.get(seat.body)!,
      post_id: seat.id,
      on_behalf_of_id: seat.post.organization.id,
      ...(startUnknown(listing) ? { 'meibo:at_least_since': listing.listedFrom } : { start_date: listing.listedFrom }),
      end_date: lastDay(listing.listedTo),
      ...(from ? { 'meibo:renamed_from': { membership_id: from.before, kind: from.kind } } : {}),
      ...(to ? { 'meibo:renamed_to': { membership_id: to.after, kind: to.kind } } : {}),
      ...(options.publicUrl ? { sources: [{ url: sourceUrl(options.publicUrl, listing, data.knownAt), note: sourceNote(listing) }] } : {}),
    };
  });

  const what = data.asOf ? `The seats in force on ${data.asOf}, each with the listing in force that day` : 'Every listing of every seat over the whole history the data covers';
  const known = data.knownAt ? `, as decided by ${data.knownAt} (決定日: only revisions decided by then count)` : '';
  return {
    meta: {
      generator: 'meibo',
      asOf: data.asOf,
      knownAt: data.knownAt,
      body: data.body,
      note:
        `${what}${known}. meibo knows posts, not persons: each Post is a seat (an office's continuous tenure in a council, in a role; ` +
        'label: the office’s title as printed); each Membership is one listing of a seat (the seat as one revision prints it: ' +
        'label is role and position, dates the days that listing was in force), on behalf of the ministry or agency of the office, ' +
        'with no person_id. Consecutive memberships of one post_id are one continuous seat. end_date is the last day in force. ' +
        (data.asOf ? 'Rename links are in the whole-history file only (their other end is a membership of another day). ' : '') +
        (options.publicUrl ? '' : 'Memberships have no sources: this meibo has no MEIBO_PUBLIC_URL to link them to. ') +
        'Councils whose roster the sources do not give (the promotion council) have no posts.',
      extensions: EXTENSIONS,
    },
    organizations: [...councils, ...ministries.values()],
    posts: [...posts.values()],
    memberships,
  };
}
