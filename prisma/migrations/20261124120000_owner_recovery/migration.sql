-- AlterEnum
ALTER TYPE "AuditSource" ADD VALUE 'console';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "slackLeftAt" TIMESTAMP(3);
