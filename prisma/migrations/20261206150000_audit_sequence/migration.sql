-- The audit trail's per-account sequence, in commit order: a poller of /api/v1/audit that keeps its last
-- cursor must never miss or repeat an event. "seq" (a BIGSERIAL) is taken at insert time, so a transaction
-- that took 10 may commit after one that took 11 was read, and a cursor at 11 skips 10. Each event instead
-- takes the next number of its account's "auditSeq", bumped in the inserting transaction: the bump holds
-- the account row until commit, so a later writer of the account waits and numbers after it.
ALTER TABLE "Account" ADD COLUMN "auditSeq" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "AuditEvent" ADD COLUMN "accountSeq" BIGINT NOT NULL DEFAULT 0;

-- The events already written, numbered in insertion order.
UPDATE "AuditEvent" e SET "accountSeq" = n."accountSeq"
FROM (SELECT "id", row_number() OVER (PARTITION BY "accountId" ORDER BY "seq") AS "accountSeq" FROM "AuditEvent") n
WHERE e."id" = n."id";
UPDATE "Account" a SET "auditSeq" = m."last"
FROM (SELECT "accountId", max("accountSeq") AS "last" FROM "AuditEvent" GROUP BY "accountId") m
WHERE a."id" = m."accountId";

-- Every writer alike (Prisma's createMany, the change layer's one-statement close, any later one): a row
-- trigger numbers each event as it is inserted, in the statement's insertion order.
CREATE FUNCTION "roster_audit_sequence"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  next BIGINT;
BEGIN
  UPDATE "Account" SET "auditSeq" = "auditSeq" + 1 WHERE "id" = NEW."accountId" RETURNING "auditSeq" INTO next;
  -- No such account: the row goes on to fail its foreign key, with that error.
  IF FOUND THEN NEW."accountSeq" := next; END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "AuditEvent_account_sequence" BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "roster_audit_sequence"();

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_accountId_accountSeq_key" ON "AuditEvent"("accountId", "accountSeq");
