import { MigrationInterface, QueryRunner } from 'typeorm';

export class SecondFactors1796000500000 implements MigrationInterface {
  name = 'SecondFactors1796000500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "code_hash" varchar(64) NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "totp_factors" ("user_id" varchar PRIMARY KEY NOT NULL, "sealed_secret" varchar(200) NOT NULL, "confirmed_at" datetime, "last_used_step" bigint, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(`DROP INDEX "IDX_d07c335ded337e58c4f36f234d"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_recovery_codes" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "code_hash" varchar(64) NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL, CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_recovery_codes"("id", "user_id", "code_hash", "used_at", "created_at") SELECT "id", "user_id", "code_hash", "used_at", "created_at" FROM "recovery_codes"`,
    );
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_recovery_codes" RENAME TO "recovery_codes"`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "temporary_totp_factors" ("user_id" varchar PRIMARY KEY NOT NULL, "sealed_secret" varchar(200) NOT NULL, "confirmed_at" datetime, "last_used_step" bigint, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_eded11141800ddff9dfbd017fd2" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_totp_factors"("user_id", "sealed_secret", "confirmed_at", "last_used_step", "created_at") SELECT "user_id", "sealed_secret", "confirmed_at", "last_used_step", "created_at" FROM "totp_factors"`,
    );
    await queryRunner.query(`DROP TABLE "totp_factors"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_totp_factors" RENAME TO "totp_factors"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "totp_factors" RENAME TO "temporary_totp_factors"`,
    );
    await queryRunner.query(
      `CREATE TABLE "totp_factors" ("user_id" varchar PRIMARY KEY NOT NULL, "sealed_secret" varchar(200) NOT NULL, "confirmed_at" datetime, "last_used_step" bigint, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(
      `INSERT INTO "totp_factors"("user_id", "sealed_secret", "confirmed_at", "last_used_step", "created_at") SELECT "user_id", "sealed_secret", "confirmed_at", "last_used_step", "created_at" FROM "temporary_totp_factors"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_totp_factors"`);
    await queryRunner.query(`DROP INDEX "IDX_d07c335ded337e58c4f36f234d"`);
    await queryRunner.query(
      `ALTER TABLE "recovery_codes" RENAME TO "temporary_recovery_codes"`,
    );
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "code_hash" varchar(64) NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "recovery_codes"("id", "user_id", "code_hash", "used_at", "created_at") SELECT "id", "user_id", "code_hash", "used_at", "created_at" FROM "temporary_recovery_codes"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_recovery_codes"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash") `,
    );
    await queryRunner.query(`DROP TABLE "totp_factors"`);
    await queryRunner.query(`DROP INDEX "IDX_d07c335ded337e58c4f36f234d"`);
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
  }
}
