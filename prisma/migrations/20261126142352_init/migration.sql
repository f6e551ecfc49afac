-- CreateEnum
CREATE TYPE "Role" AS ENUM ('CHAIR', 'VICE_CHAIR', 'MEMBER', 'OBSERVER');

-- CreateTable
CREATE TABLE "organization" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT,
    "collective" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL,

    CONSTRAINT "organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "title_search" TEXT NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "is_class" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "body" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT,
    "parent_id" INTEGER,
    "instrument_id" INTEGER,
    "clause" TEXT,
    "instrument_note" TEXT,
    "coverage_note" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "body_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instrument" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "decided_by" TEXT NOT NULL,

    CONSTRAINT "instrument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "revision" (
    "id" SERIAL NOT NULL,
    "instrument_id" INTEGER NOT NULL,
    "sequence" INTEGER NOT NULL,
    "decided_on" DATE NOT NULL,
    "effective_on" DATE,
    "content_known" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT,

    CONSTRAINT "revision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "seat" (
    "id" SERIAL NOT NULL,
    "body_id" INTEGER NOT NULL,
    "post_id" INTEGER NOT NULL,
    "revision_id" INTEGER NOT NULL,
    "clause" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "position" INTEGER NOT NULL,
    "seat_key" TEXT NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,

    CONSTRAINT "seat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provision" (
    "id" SERIAL NOT NULL,
    "revision_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "clause" TEXT NOT NULL,
    "body_id" INTEGER,
    "post_id" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,

    CONSTRAINT "provision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "unit" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT,
    "abbreviation" TEXT,
    "organization_id" INTEGER NOT NULL,
    "valid_from" DATE,
    "valid_to" DATE,
    "successor_id" INTEGER,

    CONSTRAINT "unit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organization_name_key" ON "organization"("name");

-- CreateIndex
CREATE UNIQUE INDEX "post_title_key" ON "post"("title");

-- CreateIndex
CREATE INDEX "post_organization_id_idx" ON "post"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "body_code_key" ON "body"("code");

-- CreateIndex
CREATE UNIQUE INDEX "body_name_key" ON "body"("name");

-- CreateIndex
CREATE UNIQUE INDEX "instrument_code_key" ON "instrument"("code");

-- CreateIndex
CREATE UNIQUE INDEX "instrument_title_key" ON "instrument"("title");

-- CreateIndex
CREATE UNIQUE INDEX "revision_instrument_id_sequence_key" ON "revision"("instrument_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "revision_instrument_id_decided_on_key" ON "revision"("instrument_id", "decided_on");

-- CreateIndex
CREATE INDEX "seat_body_id_valid_from_idx" ON "seat"("body_id", "valid_from");

-- CreateIndex
CREATE INDEX "seat_post_id_idx" ON "seat"("post_id");

-- CreateIndex
CREATE UNIQUE INDEX "seat_revision_id_body_id_role_position_key" ON "seat"("revision_id", "body_id", "role", "position");

-- CreateIndex
CREATE INDEX "provision_kind_valid_from_idx" ON "provision"("kind", "valid_from");

-- CreateIndex
CREATE UNIQUE INDEX "unit_name_key" ON "unit"("name");

-- CreateIndex
CREATE UNIQUE INDEX "unit_successor_id_key" ON "unit"("successor_id");

-- AddForeignKey
ALTER TABLE "post" ADD CONSTRAINT "post_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "body" ADD CONSTRAINT "body_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "body"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "body" ADD CONSTRAINT "body_instrument_id_fkey" FOREIGN KEY ("instrument_id") REFERENCES "instrument"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "revision" ADD CONSTRAINT "revision_instrument_id_fkey" FOREIGN KEY ("instrument_id") REFERENCES "instrument"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seat" ADD CONSTRAINT "seat_body_id_fkey" FOREIGN KEY ("body_id") REFERENCES "body"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seat" ADD CONSTRAINT "seat_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seat" ADD CONSTRAINT "seat_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "revision"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provision" ADD CONSTRAINT "provision_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "revision"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provision" ADD CONSTRAINT "provision_body_id_fkey" FOREIGN KEY ("body_id") REFERENCES "body"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provision" ADD CONSTRAINT "provision_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "unit" ADD CONSTRAINT "unit_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "unit" ADD CONSTRAINT "unit_successor_id_fkey" FOREIGN KEY ("successor_id") REFERENCES "unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;
