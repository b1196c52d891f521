import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExternalIdentities1796000200001 implements MigrationInterface {
  name = 'ExternalIdentities1796000200001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "external_identities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "provider" character varying(32) NOT NULL, "subject" character varying(255) NOT NULL, "email" character varying(254), "created_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "UQ_32f879b07aa49ed6a176257ee1e" UNIQUE ("provider", "subject"), CONSTRAINT "PK_85d174f9b82602686b4b3846fc4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_8320cffd2d6ca86003e2398166" ON "external_identities" ("user_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "external_identities" ADD CONSTRAINT "FK_8320cffd2d6ca86003e23981668" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "external_identities" DROP CONSTRAINT "FK_8320cffd2d6ca86003e23981668"`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ALTER COLUMN "password_hash" SET NOT NULL`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_8320cffd2d6ca86003e2398166"`,
    );
    await queryRunner.query(`DROP TABLE "external_identities"`);
  }
}
