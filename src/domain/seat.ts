// Seat rules in one place: the order roles are listed in, which organization a post belongs to,
// and how a seat's key (what a retitle keeps) is made. Pure: no database, no GraphQL.
import { Role } from '../generated/prisma/enums.js';

export type RoleName = keyof typeof Role;

/** Roles in listing order: the order of Prisma's Role enum, which is the instrument's. */
export const ROLES: readonly RoleName[] = Object.values(Role) as RoleName[];

/** Listing order: by role, then position within the role. */
export function byListingOrder(a: { role: RoleName; position: number }, b: { role: RoleName; position: number }): number {
  return ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.position - b.position;
}

/**
 * The organization a post belongs to: the one named (when given), else the organization whose
 * name the title begins with, the longest such name winning (「内閣官房内閣参事官（内閣府…）」 is
 * 内閣官房's, not 内閣府's). Collective organizations (各府省庁) are never guessed.
 */
export function organizationOfTitle<O extends { name: string; collective?: boolean }>(title: string, organizations: readonly O[], explicit?: string | null): O | undefined {
  if (explicit) return organizations.find((o) => o.name === explicit);
  return [...organizations].filter((o) => !o.collective).sort((a, b) => b.name.length - a.name.length).find((o) => title.startsWith(o.name));
}

/** A new seat's key: its body, role and position where it first appears, and the revision that lists it first. */
export function seatKeyOf(body: string, role: RoleName, position: number, firstRevision: string, sequence?: number): string {
  return `${body}/${role}/${position}@${firstRevision}${sequence === undefined ? '' : `#${sequence}`}`;
}
