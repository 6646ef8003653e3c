-- SCIM userName apart from the e-mail, the name parts as the identity provider sent them, and group externalId.
ALTER TABLE "User" ADD COLUMN "userName" TEXT;
ALTER TABLE "User" ADD COLUMN "userNameKey" TEXT;
ALTER TABLE "User" ADD COLUMN "givenName" TEXT;
ALTER TABLE "User" ADD COLUMN "familyName" TEXT;
ALTER TABLE "Group" ADD COLUMN "externalId" TEXT;

-- Users provisioned before userName was kept apart were named by their e-mail: keep that name.
UPDATE "User" SET "userName" = "email", "userNameKey" = lower("email") WHERE "signInMethod" = 'sso';

CREATE UNIQUE INDEX "User_accountId_userNameKey_key" ON "User"("accountId", "userNameKey");
