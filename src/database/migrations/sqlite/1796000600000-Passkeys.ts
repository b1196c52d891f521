import { MigrationInterface, QueryRunner } from 'typeorm';

export class Passkeys1796000600000 implements MigrationInterface {
  name = 'Passkeys1796000600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "credential_id" varchar(1364) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT (0), "transports" text, "device_type" varchar(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT (0), "name" varchar(100) NOT NULL, "created_at" datetime NOT NULL, "last_used_at" datetime)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_81b80835fab9dcadaebc6d168a" ON "passkeys" ("credential_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webauthn_ceremonies" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar, "purpose" varchar(16) NOT NULL, "challenge" varchar(64) NOT NULL, "expires_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_85ce1dcb691409bb866d591a1c" ON "webauthn_ceremonies" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_783606523707417bbb3a3ea83d" ON "webauthn_ceremonies" ("expires_at") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(`DROP INDEX "IDX_81b80835fab9dcadaebc6d168a"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_passkeys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "credential_id" varchar(1364) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT (0), "transports" text, "device_type" varchar(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT (0), "name" varchar(100) NOT NULL, "created_at" datetime NOT NULL, "last_used_at" datetime, CONSTRAINT "FK_02227b9a8a34a808e3e23800b00" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_passkeys"("id", "user_id", "credential_id", "public_key", "counter", "transports", "device_type", "backed_up", "name", "created_at", "last_used_at") SELECT "id", "user_id", "credential_id", "public_key", "counter", "transports", "device_type", "backed_up", "name", "created_at", "last_used_at" FROM "passkeys"`,
    );
    await queryRunner.query(`DROP TABLE "passkeys"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_passkeys" RENAME TO "passkeys"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_81b80835fab9dcadaebc6d168a" ON "passkeys" ("credential_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_85ce1dcb691409bb866d591a1c"`);
    await queryRunner.query(`DROP INDEX "IDX_783606523707417bbb3a3ea83d"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_webauthn_ceremonies" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar, "purpose" varchar(16) NOT NULL, "challenge" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, CONSTRAINT "FK_85ce1dcb691409bb866d591a1c0" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_webauthn_ceremonies"("id", "user_id", "purpose", "challenge", "expires_at") SELECT "id", "user_id", "purpose", "challenge", "expires_at" FROM "webauthn_ceremonies"`,
    );
    await queryRunner.query(`DROP TABLE "webauthn_ceremonies"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_webauthn_ceremonies" RENAME TO "webauthn_ceremonies"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_85ce1dcb691409bb866d591a1c" ON "webauthn_ceremonies" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_783606523707417bbb3a3ea83d" ON "webauthn_ceremonies" ("expires_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_783606523707417bbb3a3ea83d"`);
    await queryRunner.query(`DROP INDEX "IDX_85ce1dcb691409bb866d591a1c"`);
    await queryRunner.query(
      `ALTER TABLE "webauthn_ceremonies" RENAME TO "temporary_webauthn_ceremonies"`,
    );
    await queryRunner.query(
      `CREATE TABLE "webauthn_ceremonies" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar, "purpose" varchar(16) NOT NULL, "challenge" varchar(64) NOT NULL, "expires_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "webauthn_ceremonies"("id", "user_id", "purpose", "challenge", "expires_at") SELECT "id", "user_id", "purpose", "challenge", "expires_at" FROM "temporary_webauthn_ceremonies"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_webauthn_ceremonies"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_783606523707417bbb3a3ea83d" ON "webauthn_ceremonies" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_85ce1dcb691409bb866d591a1c" ON "webauthn_ceremonies" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_81b80835fab9dcadaebc6d168a"`);
    await queryRunner.query(`DROP INDEX "IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(
      `ALTER TABLE "passkeys" RENAME TO "temporary_passkeys"`,
    );
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "credential_id" varchar(1364) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT (0), "transports" text, "device_type" varchar(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT (0), "name" varchar(100) NOT NULL, "created_at" datetime NOT NULL, "last_used_at" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "passkeys"("id", "user_id", "credential_id", "public_key", "counter", "transports", "device_type", "backed_up", "name", "created_at", "last_used_at") SELECT "id", "user_id", "credential_id", "public_key", "counter", "transports", "device_type", "backed_up", "name", "created_at", "last_used_at" FROM "temporary_passkeys"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_passkeys"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_81b80835fab9dcadaebc6d168a" ON "passkeys" ("credential_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_783606523707417bbb3a3ea83d"`);
    await queryRunner.query(`DROP INDEX "IDX_85ce1dcb691409bb866d591a1c"`);
    await queryRunner.query(`DROP TABLE "webauthn_ceremonies"`);
    await queryRunner.query(`DROP INDEX "IDX_81b80835fab9dcadaebc6d168a"`);
    await queryRunner.query(`DROP INDEX "IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
  }
}
