-- AlterTable
-- The plan's seats, set by the operator (`npm run accounts -- seats`); null keeps SEAT_LIMIT. The owner's
-- "seatLimit" may only lower the limit below it.
ALTER TABLE "Account" ADD COLUMN     "planSeats" INTEGER;
-- First co-approvers the owner made without an approval (`/users first-approver`).
ALTER TABLE "Account" ADD COLUMN     "firstApproversGranted" INTEGER NOT NULL DEFAULT 0;
