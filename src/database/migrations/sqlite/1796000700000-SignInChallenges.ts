import { MigrationInterface, QueryRunner } from 'typeorm';

export class SignInChallenges1796000700000 implements MigrationInterface {
  name = 'SignInChallenges1796000700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sign_in_challenges" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(16) NOT NULL, "passkey_ceremony_id" varchar(36), "attempts" integer NOT NULL DEFAULT (0), "expires_at" bigint NOT NULL, CONSTRAINT "UQ_0b592d23b431d52c753feec384c" UNIQUE ("token_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_45e4c7c3d74ec916c3e89ba499" ON "sign_in_challenges" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_aedbc39e763c2bd0fe3f479f78" ON "sign_in_challenges" ("expires_at") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_45e4c7c3d74ec916c3e89ba499"`);
    await queryRunner.query(`DROP INDEX "IDX_aedbc39e763c2bd0fe3f479f78"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_sign_in_challenges" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(16) NOT NULL, "passkey_ceremony_id" varchar(36), "attempts" integer NOT NULL DEFAULT (0), "expires_at" bigint NOT NULL, CONSTRAINT "UQ_0b592d23b431d52c753feec384c" UNIQUE ("token_hash"), CONSTRAINT "FK_45e4c7c3d74ec916c3e89ba499b" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_sign_in_challenges"("id", "token_hash", "user_id", "purpose", "passkey_ceremony_id", "attempts", "expires_at") SELECT "id", "token_hash", "user_id", "purpose", "passkey_ceremony_id", "attempts", "expires_at" FROM "sign_in_challenges"`,
    );
    await queryRunner.query(`DROP TABLE "sign_in_challenges"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_sign_in_challenges" RENAME TO "sign_in_challenges"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_45e4c7c3d74ec916c3e89ba499" ON "sign_in_challenges" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_aedbc39e763c2bd0fe3f479f78" ON "sign_in_challenges" ("expires_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_aedbc39e763c2bd0fe3f479f78"`);
    await queryRunner.query(`DROP INDEX "IDX_45e4c7c3d74ec916c3e89ba499"`);
    await queryRunner.query(
      `ALTER TABLE "sign_in_challenges" RENAME TO "temporary_sign_in_challenges"`,
    );
    await queryRunner.query(
      `CREATE TABLE "sign_in_challenges" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(16) NOT NULL, "passkey_ceremony_id" varchar(36), "attempts" integer NOT NULL DEFAULT (0), "expires_at" bigint NOT NULL, CONSTRAINT "UQ_0b592d23b431d52c753feec384c" UNIQUE ("token_hash"))`,
    );
    await queryRunner.query(
      `INSERT INTO "sign_in_challenges"("id", "token_hash", "user_id", "purpose", "passkey_ceremony_id", "attempts", "expires_at") SELECT "id", "token_hash", "user_id", "purpose", "passkey_ceremony_id", "attempts", "expires_at" FROM "temporary_sign_in_challenges"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_sign_in_challenges"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_aedbc39e763c2bd0fe3f479f78" ON "sign_in_challenges" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_45e4c7c3d74ec916c3e89ba499" ON "sign_in_challenges" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_aedbc39e763c2bd0fe3f479f78"`);
    await queryRunner.query(`DROP INDEX "IDX_45e4c7c3d74ec916c3e89ba499"`);
    await queryRunner.query(`DROP TABLE "sign_in_challenges"`);
  }
}
