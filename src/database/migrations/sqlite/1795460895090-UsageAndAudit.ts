import { MigrationInterface, QueryRunner } from 'typeorm';

export class UsageAndAudit1795460895090 implements MigrationInterface {
  name = 'UsageAndAudit1795460895090';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("id" varchar PRIMARY KEY NOT NULL, "occurred_at" datetime NOT NULL, "type" varchar(32) NOT NULL, "outcome" varchar(7) NOT NULL, "user_id" varchar, "actor_id" varchar, "username" varchar(64), "ip" varchar(64), "user_agent" varchar(512), "request_id" varchar(128), "details" text)`,
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
      `CREATE TABLE "usage_daily" ("day" varchar(10) NOT NULL, "user_id" varchar NOT NULL, "api_key_id" varchar(8) NOT NULL, "count" integer NOT NULL, PRIMARY KEY ("day", "user_id", "api_key_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_06f94316770d3916989a813319" ON "usage_daily" ("user_id", "day") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_06f94316770d3916989a813319"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_usage_daily" ("day" varchar(10) NOT NULL, "user_id" varchar NOT NULL, "api_key_id" varchar(8) NOT NULL, "count" integer NOT NULL, CONSTRAINT "FK_203b27e5e3fbbe9bbf427ccea26" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("day", "user_id", "api_key_id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_usage_daily"("day", "user_id", "api_key_id", "count") SELECT "day", "user_id", "api_key_id", "count" FROM "usage_daily"`,
    );
    await queryRunner.query(`DROP TABLE "usage_daily"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_usage_daily" RENAME TO "usage_daily"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_06f94316770d3916989a813319" ON "usage_daily" ("user_id", "day") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_06f94316770d3916989a813319"`);
    await queryRunner.query(
      `ALTER TABLE "usage_daily" RENAME TO "temporary_usage_daily"`,
    );
    await queryRunner.query(
      `CREATE TABLE "usage_daily" ("day" varchar(10) NOT NULL, "user_id" varchar NOT NULL, "api_key_id" varchar(8) NOT NULL, "count" integer NOT NULL, PRIMARY KEY ("day", "user_id", "api_key_id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "usage_daily"("day", "user_id", "api_key_id", "count") SELECT "day", "user_id", "api_key_id", "count" FROM "temporary_usage_daily"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_usage_daily"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_06f94316770d3916989a813319" ON "usage_daily" ("user_id", "day") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_06f94316770d3916989a813319"`);
    await queryRunner.query(`DROP TABLE "usage_daily"`);
    await queryRunner.query(`DROP INDEX "IDX_e63c8a1835d26f871f4195c324"`);
    await queryRunner.query(`DROP INDEX "IDX_dfbeecd862a14e6bb73208be3b"`);
    await queryRunner.query(`DROP INDEX "IDX_04c7c044146c6632491a370fc0"`);
    await queryRunner.query(`DROP INDEX "IDX_e1c246079d669576b847df55d9"`);
    await queryRunner.query(`DROP INDEX "IDX_46f9873edb2bcfdb1124f071fb"`);
    await queryRunner.query(`DROP INDEX "IDX_4e139cc590fd5127ecc451472e"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
