import { MigrationInterface, QueryRunner } from 'typeorm';

export class EmailVerification1796000400000 implements MigrationInterface {
  name = 'EmailVerification1796000400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "email_tokens" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(32) NOT NULL, "email" varchar(254) NOT NULL, "expires_at" datetime NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_8acb431edfc9f9d0e77741468ed" UNIQUE ("token_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_018295f41628791c301bfe8b62" ON "email_tokens" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "temporary_users" ("id" varchar PRIMARY KEY NOT NULL, "username" varchar(32) NOT NULL, "email" varchar(254), "first_name" varchar(100), "last_name" varchar(100), "password_hash" varchar(100), "roles" text NOT NULL, "disabled" boolean NOT NULL DEFAULT (0), "tokens_valid_after" bigint NOT NULL DEFAULT (0), "tokens_valid_after_exempt_id" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "email_verified_at" datetime, "pending_email" varchar(254), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_users"("id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at") SELECT "id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at" FROM "users"`,
    );
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`ALTER TABLE "temporary_users" RENAME TO "users"`);
    await queryRunner.query(`DROP INDEX "IDX_018295f41628791c301bfe8b62"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_email_tokens" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(32) NOT NULL, "email" varchar(254) NOT NULL, "expires_at" datetime NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_8acb431edfc9f9d0e77741468ed" UNIQUE ("token_hash"), CONSTRAINT "FK_018295f41628791c301bfe8b625" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_email_tokens"("id", "token_hash", "user_id", "purpose", "email", "expires_at", "created_at") SELECT "id", "token_hash", "user_id", "purpose", "email", "expires_at", "created_at" FROM "email_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "email_tokens"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_email_tokens" RENAME TO "email_tokens"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_018295f41628791c301bfe8b62" ON "email_tokens" ("user_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_018295f41628791c301bfe8b62"`);
    await queryRunner.query(
      `ALTER TABLE "email_tokens" RENAME TO "temporary_email_tokens"`,
    );
    await queryRunner.query(
      `CREATE TABLE "email_tokens" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(32) NOT NULL, "email" varchar(254) NOT NULL, "expires_at" datetime NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_8acb431edfc9f9d0e77741468ed" UNIQUE ("token_hash"))`,
    );
    await queryRunner.query(
      `INSERT INTO "email_tokens"("id", "token_hash", "user_id", "purpose", "email", "expires_at", "created_at") SELECT "id", "token_hash", "user_id", "purpose", "email", "expires_at", "created_at" FROM "temporary_email_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_email_tokens"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_018295f41628791c301bfe8b62" ON "email_tokens" ("user_id") `,
    );
    await queryRunner.query(`ALTER TABLE "users" RENAME TO "temporary_users"`);
    await queryRunner.query(
      `CREATE TABLE "users" ("id" varchar PRIMARY KEY NOT NULL, "username" varchar(32) NOT NULL, "email" varchar(254), "first_name" varchar(100), "last_name" varchar(100), "password_hash" varchar(100), "roles" text NOT NULL, "disabled" boolean NOT NULL DEFAULT (0), "tokens_valid_after" bigint NOT NULL DEFAULT (0), "tokens_valid_after_exempt_id" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"))`,
    );
    await queryRunner.query(
      `INSERT INTO "users"("id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at") SELECT "id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at" FROM "temporary_users"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_users"`);
    await queryRunner.query(`DROP INDEX "IDX_018295f41628791c301bfe8b62"`);
    await queryRunner.query(`DROP TABLE "email_tokens"`);
  }
}
