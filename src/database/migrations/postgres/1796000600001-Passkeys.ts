import { MigrationInterface, QueryRunner } from 'typeorm';

export class Passkeys1796000600001 implements MigrationInterface {
  name = 'Passkeys1796000600001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "credential_id" character varying(1364) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT '0', "transports" text, "device_type" character varying(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT false, "name" character varying(100) NOT NULL, "created_at" TIMESTAMP NOT NULL, "last_used_at" TIMESTAMP, CONSTRAINT "PK_db928e6fd79e7098911268a74c3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_81b80835fab9dcadaebc6d168a" ON "passkeys" ("credential_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webauthn_ceremonies" ("id" uuid NOT NULL, "user_id" uuid, "purpose" character varying(16) NOT NULL, "challenge" character varying(64) NOT NULL, "expires_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_371272e1536d93470774180fba8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_85ce1dcb691409bb866d591a1c" ON "webauthn_ceremonies" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_783606523707417bbb3a3ea83d" ON "webauthn_ceremonies" ("expires_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "passkeys" ADD CONSTRAINT "FK_02227b9a8a34a808e3e23800b00" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webauthn_ceremonies" ADD CONSTRAINT "FK_85ce1dcb691409bb866d591a1c0" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "webauthn_ceremonies" DROP CONSTRAINT "FK_85ce1dcb691409bb866d591a1c0"`,
    );
    await queryRunner.query(
      `ALTER TABLE "passkeys" DROP CONSTRAINT "FK_02227b9a8a34a808e3e23800b00"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_783606523707417bbb3a3ea83d"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_85ce1dcb691409bb866d591a1c"`,
    );
    await queryRunner.query(`DROP TABLE "webauthn_ceremonies"`);
    await queryRunner.query(
      `DROP INDEX "public"."IDX_81b80835fab9dcadaebc6d168a"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_02227b9a8a34a808e3e23800b0"`,
    );
    await queryRunner.query(`DROP TABLE "passkeys"`);
  }
}
