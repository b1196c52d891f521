import { MigrationInterface, QueryRunner } from 'typeorm';

export class SigningKeys1795944638840 implements MigrationInterface {
  name = 'SigningKeys1795944638840';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "signing_keys" ("kid" character varying(64) NOT NULL, "generation" integer NOT NULL, "algorithm" character varying(16) NOT NULL, "public_jwk" text NOT NULL, "private_key" text NOT NULL, "created_at" TIMESTAMP NOT NULL, "activates_at" TIMESTAMP NOT NULL, "revoked_at" TIMESTAMP, CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_9c8d688b2fd238ccb8dcc15a9c" ON "signing_keys" ("generation") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX "public"."IDX_9c8d688b2fd238ccb8dcc15a9c"`,
    );
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
