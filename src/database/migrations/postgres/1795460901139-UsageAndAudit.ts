import { MigrationInterface, QueryRunner } from 'typeorm';

export class UsageAndAudit1795460901139 implements MigrationInterface {
  name = 'UsageAndAudit1795460901139';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("id" uuid NOT NULL, "occurred_at" TIMESTAMP NOT NULL, "type" character varying(32) NOT NULL, "outcome" character varying(7) NOT NULL, "user_id" uuid, "actor_id" uuid, "username" character varying(64), "ip" character varying(64), "user_agent" character varying(512), "request_id" character varying(128), "details" text, CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_4e139cc590fd5127ecc451472e" ON "audit_events" ("occurred_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_46f9873edb2bcfdb1124f071fb" ON "audit_events" ("type") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e1c246079d669576b847df55d9" ON "audit_events" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_04c7c044146c6632491a370fc0" ON "audit_events" ("actor_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_dfbeecd862a14e6bb73208be3b" ON "audit_events" ("username") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e63c8a1835d26f871f4195c324" ON "audit_events" ("request_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "usage_daily" ("day" character varying(10) NOT NULL, "user_id" uuid NOT NULL, "api_key_id" character varying(8) NOT NULL, "count" integer NOT NULL, CONSTRAINT "PK_a86b1713918a5e4773b343235a6" PRIMARY KEY ("day", "user_id", "api_key_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_06f94316770d3916989a813319" ON "usage_daily" ("user_id", "day") `,
    );
    await queryRunner.query(
      `ALTER TABLE "usage_daily" ADD CONSTRAINT "FK_203b27e5e3fbbe9bbf427ccea26" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "usage_daily" DROP CONSTRAINT "FK_203b27e5e3fbbe9bbf427ccea26"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_06f94316770d3916989a813319"`,
    );
    await queryRunner.query(`DROP TABLE "usage_daily"`);
    await queryRunner.query(
      `DROP INDEX "public"."IDX_e63c8a1835d26f871f4195c324"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_dfbeecd862a14e6bb73208be3b"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_04c7c044146c6632491a370fc0"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_e1c246079d669576b847df55d9"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_46f9873edb2bcfdb1124f071fb"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_4e139cc590fd5127ecc451472e"`,
    );
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
