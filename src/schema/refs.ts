// The graph's object types, declared before they are implemented (each in its own file), so that
// files can point at each other without import cycles.
import { builder } from '../builder.js';
import type { AuditEntry, Body, Instrument, Organization, Provision, Revision, Seat, Unit } from '../generated/prisma/client.js';
import type { PostRow } from '../read/rows.js';
import type { View } from './view.js';

export const BodyRef = builder.objectRef<View<Body>>('Body');
/** a seat: a tenure, carried by any of its listings (all hold the tenure's fields) */
export const SeatRef = builder.objectRef<View<Seat>>('Seat');
/** a listing: one revision's printing of a seat */
export const ListingRef = builder.objectRef<View<Seat>>('Listing');
export const SourceRef = builder.objectRef<View<Seat>>('Source');
export const PostRef = builder.objectRef<View<PostRow>>('Post');
export const OrganizationRef = builder.objectRef<View<Organization>>('Organization');
export const UnitRef = builder.objectRef<Unit>('Unit');
export const InstrumentRef = builder.objectRef<View<Instrument>>('Instrument');
export const RevisionRef = builder.objectRef<View<Revision>>('Revision');
export const ProvisionRef = builder.objectRef<View<Provision>>('Provision');
export const AuditEntryRef = builder.objectRef<AuditEntry>('AuditEntry');
