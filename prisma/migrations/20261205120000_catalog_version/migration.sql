-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "catalogVersion" INTEGER NOT NULL DEFAULT 0;

-- The role catalog's version: bumped by the store itself on every write to "Role" (statement triggers over
-- the rows each statement changed), so the change layer, which reads it with the account lock, knows whether
-- the roles it keeps in memory are still the catalog, whoever wrote to it.
CREATE FUNCTION "roster_catalog_new_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Account" SET "catalogVersion" = "catalogVersion" + 1 WHERE "id" IN (SELECT "accountId" FROM new_rows);
  RETURN NULL;
END $$;

CREATE FUNCTION "roster_catalog_old_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Account" SET "catalogVersion" = "catalogVersion" + 1 WHERE "id" IN (SELECT "accountId" FROM old_rows);
  RETURN NULL;
END $$;

CREATE FUNCTION "roster_catalog_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Account" SET "catalogVersion" = "catalogVersion" + 1
  WHERE "id" IN (SELECT "accountId" FROM new_rows UNION SELECT "accountId" FROM old_rows);
  RETURN NULL;
END $$;

CREATE TRIGGER "Role_catalog_inserted" AFTER INSERT ON "Role"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "roster_catalog_new_rows"();
CREATE TRIGGER "Role_catalog_deleted" AFTER DELETE ON "Role"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "roster_catalog_old_rows"();
CREATE TRIGGER "Role_catalog_updated" AFTER UPDATE ON "Role"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "roster_catalog_updated"();
