-- The day a revision comes into force, as a column the database keeps (its effective day, or its
-- decision day when the sources give none), so that Prisma can filter and order by it: the one-body
-- as-of question is then one Prisma query that walks this index backwards from the day asked
-- about and joins the seats of the single revision it stops at. It replaces the expression index
-- of the same order (the hand-written as-of statement now names the column too).
ALTER TABLE "revision"
  ADD COLUMN "in_force_from" DATE GENERATED ALWAYS AS (COALESCE("effective_on", "decided_on")) STORED;

DROP INDEX "revision_in_force_idx";
CREATE INDEX "revision_in_force_idx" ON "revision" ("instrument_id", "in_force_from" DESC, "sequence" DESC);
