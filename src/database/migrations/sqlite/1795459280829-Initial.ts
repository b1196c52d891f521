import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795459280829 implements MigrationInterface {
  name = 'Initial1795459280829';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "users" ("id" varchar PRIMARY KEY NOT NULL, "username" varchar(32) NOT NULL, "email" varchar(254), "first_name" varchar(100), "last_name" varchar(100), "password_hash" varchar(100) NOT NULL, "roles" text NOT NULL, "disabled" boolean NOT NULL DEFAULT (0), "tokens_valid_after" bigint NOT NULL DEFAULT (0), "tokens_valid_after_exempt_id" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" varchar(8) PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "name" varchar(100) NOT NULL, "secret_hash" varchar(64) NOT NULL, "scopes" text NOT NULL, "expires_at" datetime, "last_used_at" datetime, "created_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a3baee01d8408cd3c0f89a9a97" ON "api_keys" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "csrf_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL, "last_seen_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "ip" varchar(64), "user_agent" varchar(512), CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_9cfe37d28c3b229a350e086d94" ON "sessions" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "refresh_tokens" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "family_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "revoked_at" datetime, "created_at" datetime NOT NULL, CONSTRAINT "UQ_a7838d2ba25be1342091b6695f1" UNIQUE ("token_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3ddc983c5f7bcf132fd8732c3f" ON "refresh_tokens" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba" ON "refresh_tokens" ("family_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ba3bd69c8ad1e799c0256e9e50" ON "refresh_tokens" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "revoked_tokens" ("jti" varchar(36) PRIMARY KEY NOT NULL, "expires_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5aee0c1828e7b9238ca3fe47bc" ON "revoked_tokens" ("expires_at") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_a3baee01d8408cd3c0f89a9a97"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_api_keys" ("id" varchar(8) PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "name" varchar(100) NOT NULL, "secret_hash" varchar(64) NOT NULL, "scopes" text NOT NULL, "expires_at" datetime, "last_used_at" datetime, "created_at" datetime NOT NULL, CONSTRAINT "FK_a3baee01d8408cd3c0f89a9a973" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_api_keys"("id", "user_id", "name", "secret_hash", "scopes", "expires_at", "last_used_at", "created_at") SELECT "id", "user_id", "name", "secret_hash", "scopes", "expires_at", "last_used_at", "created_at" FROM "api_keys"`,
    );
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_api_keys" RENAME TO "api_keys"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a3baee01d8408cd3c0f89a9a97" ON "api_keys" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(`DROP INDEX "IDX_9cfe37d28c3b229a350e086d94"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_sessions" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "csrf_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL, "last_seen_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "ip" varchar(64), "user_agent" varchar(512), CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_sessions"("id", "user_id", "token_hash", "csrf_hash", "created_at", "last_seen_at", "expires_at", "ip", "user_agent") SELECT "id", "user_id", "token_hash", "csrf_hash", "created_at", "last_seen_at", "expires_at", "ip", "user_agent" FROM "sessions"`,
    );
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_sessions" RENAME TO "sessions"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_9cfe37d28c3b229a350e086d94" ON "sessions" ("expires_at") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_3ddc983c5f7bcf132fd8732c3f"`);
    await queryRunner.query(`DROP INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba"`);
    await queryRunner.query(`DROP INDEX "IDX_ba3bd69c8ad1e799c0256e9e50"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_refresh_tokens" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "family_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "revoked_at" datetime, "created_at" datetime NOT NULL, CONSTRAINT "UQ_a7838d2ba25be1342091b6695f1" UNIQUE ("token_hash"), CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_refresh_tokens"("id", "user_id", "family_id", "token_hash", "expires_at", "used_at", "revoked_at", "created_at") SELECT "id", "user_id", "family_id", "token_hash", "expires_at", "used_at", "revoked_at", "created_at" FROM "refresh_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_refresh_tokens" RENAME TO "refresh_tokens"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3ddc983c5f7bcf132fd8732c3f" ON "refresh_tokens" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba" ON "refresh_tokens" ("family_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ba3bd69c8ad1e799c0256e9e50" ON "refresh_tokens" ("expires_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_ba3bd69c8ad1e799c0256e9e50"`);
    await queryRunner.query(`DROP INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba"`);
    await queryRunner.query(`DROP INDEX "IDX_3ddc983c5f7bcf132fd8732c3f"`);
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" RENAME TO "temporary_refresh_tokens"`,
    );
    await queryRunner.query(
      `CREATE TABLE "refresh_tokens" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "family_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "revoked_at" datetime, "created_at" datetime NOT NULL, CONSTRAINT "UQ_a7838d2ba25be1342091b6695f1" UNIQUE ("token_hash"))`,
    );
    await queryRunner.query(
      `INSERT INTO "refresh_tokens"("id", "user_id", "family_id", "token_hash", "expires_at", "used_at", "revoked_at", "created_at") SELECT "id", "user_id", "family_id", "token_hash", "expires_at", "used_at", "revoked_at", "created_at" FROM "temporary_refresh_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_refresh_tokens"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_ba3bd69c8ad1e799c0256e9e50" ON "refresh_tokens" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba" ON "refresh_tokens" ("family_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3ddc983c5f7bcf132fd8732c3f" ON "refresh_tokens" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_9cfe37d28c3b229a350e086d94"`);
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(
      `ALTER TABLE "sessions" RENAME TO "temporary_sessions"`,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "csrf_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL, "last_seen_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "ip" varchar(64), "user_agent" varchar(512), CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"))`,
    );
    await queryRunner.query(
      `INSERT INTO "sessions"("id", "user_id", "token_hash", "csrf_hash", "created_at", "last_seen_at", "expires_at", "ip", "user_agent") SELECT "id", "user_id", "token_hash", "csrf_hash", "created_at", "last_seen_at", "expires_at", "ip", "user_agent" FROM "temporary_sessions"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_sessions"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_9cfe37d28c3b229a350e086d94" ON "sessions" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_a3baee01d8408cd3c0f89a9a97"`);
    await queryRunner.query(
      `ALTER TABLE "api_keys" RENAME TO "temporary_api_keys"`,
    );
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" varchar(8) PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "name" varchar(100) NOT NULL, "secret_hash" varchar(64) NOT NULL, "scopes" text NOT NULL, "expires_at" datetime, "last_used_at" datetime, "created_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "api_keys"("id", "user_id", "name", "secret_hash", "scopes", "expires_at", "last_used_at", "created_at") SELECT "id", "user_id", "name", "secret_hash", "scopes", "expires_at", "last_used_at", "created_at" FROM "temporary_api_keys"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_api_keys"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_a3baee01d8408cd3c0f89a9a97" ON "api_keys" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_5aee0c1828e7b9238ca3fe47bc"`);
    await queryRunner.query(`DROP TABLE "revoked_tokens"`);
    await queryRunner.query(`DROP INDEX "IDX_ba3bd69c8ad1e799c0256e9e50"`);
    await queryRunner.query(`DROP INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba"`);
    await queryRunner.query(`DROP INDEX "IDX_3ddc983c5f7bcf132fd8732c3f"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "IDX_9cfe37d28c3b229a350e086d94"`);
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP INDEX "IDX_a3baee01d8408cd3c0f89a9a97"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
