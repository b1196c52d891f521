import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExternalIdentities1796000200000 implements MigrationInterface {
  name = 'ExternalIdentities1796000200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "temporary_users" ("id" varchar PRIMARY KEY NOT NULL, "username" varchar(32) NOT NULL, "email" varchar(254), "first_name" varchar(100), "last_name" varchar(100), "password_hash" varchar(100) NOT NULL, "roles" text NOT NULL, "disabled" boolean NOT NULL DEFAULT (0), "tokens_valid_after" bigint NOT NULL DEFAULT (0), "tokens_valid_after_exempt_id" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_users"("id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at") SELECT "id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at" FROM "users"`,
    );
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`ALTER TABLE "temporary_users" RENAME TO "users"`);
    await queryRunner.query(
      `CREATE TABLE "external_identities" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "provider" varchar(32) NOT NULL, "subject" varchar(255) NOT NULL, "email" varchar(254), "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_32f879b07aa49ed6a176257ee1e" UNIQUE ("provider", "subject"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_8320cffd2d6ca86003e2398166" ON "external_identities" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "temporary_users" ("id" varchar PRIMARY KEY NOT NULL, "username" varchar(32) NOT NULL, "email" varchar(254), "first_name" varchar(100), "last_name" varchar(100), "password_hash" varchar(100), "roles" text NOT NULL, "disabled" boolean NOT NULL DEFAULT (0), "tokens_valid_after" bigint NOT NULL DEFAULT (0), "tokens_valid_after_exempt_id" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_users"("id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at") SELECT "id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at" FROM "users"`,
    );
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`ALTER TABLE "temporary_users" RENAME TO "users"`);
    await queryRunner.query(`DROP INDEX "IDX_8320cffd2d6ca86003e2398166"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_external_identities" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "provider" varchar(32) NOT NULL, "subject" varchar(255) NOT NULL, "email" varchar(254), "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_32f879b07aa49ed6a176257ee1e" UNIQUE ("provider", "subject"), CONSTRAINT "FK_8320cffd2d6ca86003e23981668" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_external_identities"("id", "user_id", "provider", "subject", "email", "created_at") SELECT "id", "user_id", "provider", "subject", "email", "created_at" FROM "external_identities"`,
    );
    await queryRunner.query(`DROP TABLE "external_identities"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_external_identities" RENAME TO "external_identities"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_8320cffd2d6ca86003e2398166" ON "external_identities" ("user_id") `,
    );
  }

  // Not as generated: TypeORM's down renamed "users" away first, and SQLite (3.26+) rewrites
  // every other table's REFERENCES "users" to the new name, then dropped it, leaving sessions,
  // tokens and keys pointing at no table. Rebuilt the way up does it instead. Fails, rather
  // than lose data, while an account has no password.
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_8320cffd2d6ca86003e2398166"`);
    await queryRunner.query(`DROP TABLE "external_identities"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_users" ("id" varchar PRIMARY KEY NOT NULL, "username" varchar(32) NOT NULL, "email" varchar(254), "first_name" varchar(100), "last_name" varchar(100), "password_hash" varchar(100) NOT NULL, "roles" text NOT NULL, "disabled" boolean NOT NULL DEFAULT (0), "tokens_valid_after" bigint NOT NULL DEFAULT (0), "tokens_valid_after_exempt_id" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_users"("id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at") SELECT "id", "username", "email", "first_name", "last_name", "password_hash", "roles", "disabled", "tokens_valid_after", "tokens_valid_after_exempt_id", "created_at", "updated_at" FROM "users"`,
    );
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`ALTER TABLE "temporary_users" RENAME TO "users"`);
  }
}
