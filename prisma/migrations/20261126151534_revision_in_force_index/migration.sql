-- Hand-written (an expression index Prisma's schema language cannot express; the drift check
-- ignores it). "Which revision of this instrument is in force on day D" is answered by walking
-- this index backwards from D: one index probe, however many revisions the instrument has.
CREATE INDEX "revision_in_force_idx" ON "revision"
  ("instrument_id", (COALESCE("effective_on", "decided_on")) DESC, "sequence" DESC);
