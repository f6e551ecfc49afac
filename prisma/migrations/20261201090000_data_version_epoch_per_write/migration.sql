-- Each writing transaction now draws a new random `epoch` as well as moving `version` on by one, so
-- that `<epoch>:<version>` names one state of the data and no other, ever. Before, the epoch was
-- drawn once per database: a database restored from an older backup, a failover to a lagging
-- replica or an older copy of the embedded data directory went on from an earlier number under the
-- same epoch, and the writes after it reused the names of writes that are gone, together with the
-- answers cached under them (in every instance, and in Redis). `version` still counts writes, for
-- logs and for people; the response cache (src/cache/version.ts) compares readings for equality only.
CREATE OR REPLACE FUNCTION "meibo_bump_data_version"() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
DECLARE
  bumped "data_version"%ROWTYPE;
BEGIN
  UPDATE "data_version" SET "version" = "version" + 1, "epoch" = gen_random_uuid()::text, "xact" = txid_current()
    WHERE "id" AND "xact" IS DISTINCT FROM txid_current()
    RETURNING * INTO bumped;
  IF FOUND THEN
    PERFORM pg_notify('meibo_data_version', bumped."epoch" || ':' || bumped."version");
  END IF;
  RETURN NULL;
END
$$;
