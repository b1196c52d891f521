import { MigrationInterface, QueryRunner } from 'typeorm';

export class SigningKeys1795944636363 implements MigrationInterface {
  name = 'SigningKeys1795944636363';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "signing_keys" ("kid" varchar(64) PRIMARY KEY NOT NULL, "generation" integer NOT NULL, "algorithm" varchar(16) NOT NULL, "public_jwk" text NOT NULL, "private_key" text NOT NULL, "created_at" datetime NOT NULL, "activates_at" datetime NOT NULL, "revoked_at" datetime)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_9c8d688b2fd238ccb8dcc15a9c" ON "signing_keys" ("generation") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_9c8d688b2fd238ccb8dcc15a9c"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
