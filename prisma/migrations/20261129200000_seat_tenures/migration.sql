-- Seats as continuous tenures (issue 12). A `seat` row stays one post's listing in one body and
-- role by one revision (its position, its source, over [valid_from, valid_to)); rows that list the
-- same post in the same body and role over contiguous days are one tenure, which the API calls a
-- seat: the id of its first row (tenure_id), the first day (tenure_from) and, once a revision ends
-- it, the day it ends (tenure_to) with that revision (tenure_ended_by) and its decision day
-- (tenure_end_decided_on, so that an answer as known on a day before it still says "continuing").

ALTER TABLE "seat" ADD COLUMN "tenure_id" INTEGER;
ALTER TABLE "seat" ADD COLUMN "tenure_from" DATE;
ALTER TABLE "seat" ADD COLUMN "tenure_to" DATE;
ALTER TABLE "seat" ADD COLUMN "tenure_ended_by" INTEGER;
ALTER TABLE "seat" ADD COLUMN "tenure_end_decided_on" DATE;
-- The words of the instrument that found the post's membership, where the source gives them
-- (the liaison meeting's 補佐官 / 参与 rest on other rules).
ALTER TABLE "seat" ADD COLUMN "basis" TEXT;

ALTER TABLE "seat" ADD CONSTRAINT "seat_tenure_ended_by_fkey" FOREIGN KEY ("tenure_ended_by") REFERENCES "revision"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "seat_tenure_id_idx" ON "seat"("tenure_id");
CREATE INDEX "seat_tenure_ended_by_idx" ON "seat"("tenure_ended_by");

-- What the dataset as a whole can say: the day it was last checked against its sources.
CREATE TABLE "dataset_info" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "checked_on" DATE NOT NULL,
    "sources" TEXT NOT NULL,

    CONSTRAINT "dataset_info_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "dataset_info" ADD CONSTRAINT "dataset_info_one_row" CHECK ("id" = 1);

-- A row inserted without a tenure starts one: its own id and first day. (A row that continues a
-- tenure is inserted with the tenure's id and first day.)
CREATE FUNCTION meibo_seat_tenure_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tenure_id := COALESCE(NEW.tenure_id, NEW.id);
  NEW.tenure_from := COALESCE(NEW.tenure_from, NEW.valid_from);
  RETURN NEW;
END $$;
CREATE TRIGGER seat_tenure_defaults BEFORE INSERT ON "seat"
  FOR EACH ROW EXECUTE FUNCTION meibo_seat_tenure_defaults();

-- Links rows into tenures from their days alone (gaps and islands): used once here for the rows
-- already recorded, and by the seed, which inserts every list as printed.
CREATE FUNCTION meibo_derive_tenures() RETURNS void LANGUAGE sql AS $$
  WITH ordered AS (
    SELECT s.id, s.body_id, s.post_id, s.role, s.valid_from, s.valid_to, s.revision_id,
      CASE WHEN LAG(s.valid_to) OVER w = s.valid_from THEN 0 ELSE 1 END AS starts
    FROM seat s
    WINDOW w AS (PARTITION BY s.body_id, s.post_id, s.role ORDER BY s.valid_from)
  ), islands AS (
    SELECT o.*, SUM(o.starts) OVER (PARTITION BY o.body_id, o.post_id, o.role ORDER BY o.valid_from) AS island
    FROM ordered o
  ), tenures AS (
    SELECT i.id,
      FIRST_VALUE(i.id) OVER t AS tenure_id,
      FIRST_VALUE(i.valid_from) OVER t AS tenure_from,
      LAST_VALUE(i.valid_to) OVER t AS tenure_to,
      LAST_VALUE(i.revision_id) OVER t AS last_revision
    FROM islands i
    WINDOW t AS (PARTITION BY i.body_id, i.post_id, i.role, i.island ORDER BY i.valid_from
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  ), ended AS (
    SELECT t.*, nxt.id AS ended_by, nxt.decided_on AS end_decided_on
    FROM tenures t
    JOIN revision last ON last.id = t.last_revision
    LEFT JOIN LATERAL (
      SELECT r.id, r.decided_on FROM revision r
      WHERE r.instrument_id = last.instrument_id AND r.sequence > last.sequence
      ORDER BY r.sequence LIMIT 1
    ) nxt ON t.tenure_to IS NOT NULL
  )
  UPDATE seat s SET tenure_id = e.tenure_id, tenure_from = e.tenure_from, tenure_to = e.tenure_to,
    tenure_ended_by = CASE WHEN e.tenure_to IS NULL THEN NULL ELSE e.ended_by END,
    tenure_end_decided_on = CASE WHEN e.tenure_to IS NULL THEN NULL ELSE e.end_decided_on END
  FROM ended e WHERE e.id = s.id;
$$;

SELECT meibo_derive_tenures();

-- Always set (by the trigger when not given); a CHECK rather than NOT NULL so that Prisma's client
-- lets an insert leave them to the trigger.
ALTER TABLE "seat" ADD CONSTRAINT "seat_tenure_set" CHECK ("tenure_id" IS NOT NULL AND "tenure_from" IS NOT NULL);
-- A tenure ends with the revision that ends it, never before it starts.
ALTER TABLE "seat" ADD CONSTRAINT "seat_tenure_range" CHECK ("tenure_to" IS NULL OR ("tenure_to" > "tenure_from" AND "tenure_ended_by" IS NOT NULL));
