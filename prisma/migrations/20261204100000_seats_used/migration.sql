-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "seatsUsed" INTEGER NOT NULL DEFAULT 0;

-- Seats in use: users who are not revoked. Kept by the store itself on every write to "User" (statement
-- triggers over the rows each statement changed), so every path counts alike and the seat rule reads one
-- row instead of counting the directory.
UPDATE "Account" a SET "seatsUsed" = (SELECT count(*) FROM "User" u WHERE u."accountId" = a."id" AND u."status" <> 'revoked');

CREATE FUNCTION "roster_seats_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Account" a SET "seatsUsed" = a."seatsUsed" + c.n
  FROM (SELECT "accountId", count(*)::int AS n FROM new_rows WHERE "status" <> 'revoked' GROUP BY "accountId") c
  WHERE a."id" = c."accountId";
  RETURN NULL;
END $$;

CREATE FUNCTION "roster_seats_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Account" a SET "seatsUsed" = a."seatsUsed" - c.n
  FROM (SELECT "accountId", count(*)::int AS n FROM old_rows WHERE "status" <> 'revoked' GROUP BY "accountId") c
  WHERE a."id" = c."accountId";
  RETURN NULL;
END $$;

CREATE FUNCTION "roster_seats_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Account" a SET "seatsUsed" = a."seatsUsed" + c.n
  FROM (
    SELECT "accountId", sum(d)::int AS n FROM (
      SELECT "accountId", CASE WHEN "status" <> 'revoked' THEN 1 ELSE 0 END AS d FROM new_rows
      UNION ALL
      SELECT "accountId", CASE WHEN "status" <> 'revoked' THEN -1 ELSE 0 END AS d FROM old_rows
    ) x GROUP BY "accountId"
  ) c
  WHERE a."id" = c."accountId" AND c.n <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER "User_seats_inserted" AFTER INSERT ON "User"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "roster_seats_inserted"();
CREATE TRIGGER "User_seats_deleted" AFTER DELETE ON "User"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "roster_seats_deleted"();
CREATE TRIGGER "User_seats_updated" AFTER UPDATE ON "User"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "roster_seats_updated"();
