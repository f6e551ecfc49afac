-- Temporal rules that Prisma's schema language cannot express. Hand-written; the drift check
-- (src/db/migrate.ts) ignores them by design.

-- Range operators on integer columns inside GiST need btree_gist (PGlite loads it as contrib).
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

-- As-of lookups ask "which seats of body B contain day D". A btree on (body_id, valid_from)
-- scans a body's whole past for a recent day; a GiST range index visits only the rows whose
-- range contains the day, so the lookup stays flat as history grows (shared/notes/as-of-indexing.md).
CREATE INDEX "seat_body_validity_gist" ON "seat"
  USING gist ("body_id", daterange("valid_from", "valid_to", '[)'));

-- A seat's range is never empty or reversed.
ALTER TABLE "seat" ADD CONSTRAINT "seat_valid_range"
  CHECK ("valid_to" IS NULL OR "valid_to" > "valid_from");

-- Never two chairs of one body on one day.
ALTER TABLE "seat" ADD CONSTRAINT "seat_one_chair_per_day"
  EXCLUDE USING gist ("body_id" WITH =, daterange("valid_from", "valid_to", '[)') WITH &&)
  WHERE ("role" = 'CHAIR');

-- Never one post seated twice in one body over overlapping days.
ALTER TABLE "seat" ADD CONSTRAINT "seat_post_once_per_body"
  EXCLUDE USING gist ("body_id" WITH =, "post_id" WITH =, daterange("valid_from", "valid_to", '[)') WITH &&);

-- Never two seats at one listing position of one role in one body on one day.
ALTER TABLE "seat" ADD CONSTRAINT "seat_position_once"
  EXCLUDE USING gist ("body_id" WITH =, "role" WITH =, "position" WITH =, daterange("valid_from", "valid_to", '[)') WITH &&);

-- A revision never takes effect before it is decided.
ALTER TABLE "revision" ADD CONSTRAINT "revision_effective_after_decided"
  CHECK ("effective_on" IS NULL OR "effective_on" >= "decided_on");

ALTER TABLE "provision" ADD CONSTRAINT "provision_valid_range"
  CHECK ("valid_to" IS NULL OR "valid_to" > "valid_from");
