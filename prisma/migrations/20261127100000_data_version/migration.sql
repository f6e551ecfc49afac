-- The data version: one row whose `version` goes up in every transaction that writes a table an
-- answer depends on, bumped by a trigger inside that very transaction, so that a write made by
-- meibo, by `npm run amend`, or by SQL run by hand all move it, and it becomes visible exactly
-- when their data does. The response cache keys every answer by `epoch:version` read from here
-- (src/cache.ts): an answer stored under an older version can never match again, whatever the
-- cache's Redis holds. `epoch` is random per database, so a database created anew (or another
-- schema sharing a Redis prefix) can never reuse old keys. Each commit also announces the new
-- version with NOTIFY meibo_data_version '<epoch>:<version>', which every PostgreSQL instance
-- LISTENs to.
CREATE TABLE "data_version" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "epoch" TEXT NOT NULL,
    "version" BIGINT NOT NULL,
    "xact" BIGINT,

    CONSTRAINT "data_version_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "data_version_one_row" CHECK ("id")
);

INSERT INTO "data_version" ("id", "epoch", "version") VALUES (true, gen_random_uuid()::text, 1);

-- Once per transaction (the first writing statement; `xact` remembers which transaction did),
-- so an amendment of fifty statements is one version and one notification. The row lock it takes
-- serializes writers' commits, so versions follow commit order. The function's search_path is the
-- migration's schema: SQL run by hand under another search_path still bumps this schema's row.
CREATE FUNCTION "meibo_bump_data_version"() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
DECLARE
  bumped "data_version"%ROWTYPE;
BEGIN
  UPDATE "data_version" SET "version" = "version" + 1, "xact" = txid_current()
    WHERE "id" AND "xact" IS DISTINCT FROM txid_current()
    RETURNING * INTO bumped;
  IF FOUND THEN
    PERFORM pg_notify('meibo_data_version', bumped."epoch" || ':' || bumped."version");
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "seat_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "seat" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
CREATE TRIGGER "revision_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "revision" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
CREATE TRIGGER "post_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "post" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
CREATE TRIGGER "provision_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "provision" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
CREATE TRIGGER "organization_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
CREATE TRIGGER "unit_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "unit" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
CREATE TRIGGER "body_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "body" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
CREATE TRIGGER "instrument_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "instrument" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
CREATE TRIGGER "audit_entry_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "audit_entry" FOR EACH STATEMENT EXECUTE FUNCTION "meibo_bump_data_version"();
