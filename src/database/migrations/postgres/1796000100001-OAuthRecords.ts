import { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthRecords1796000100001 implements MigrationInterface {
  name = 'OAuthRecords1796000100001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oauth_records" ("model" character varying(64) NOT NULL, "id" character varying(128) NOT NULL, "payload" text NOT NULL, "grant_id" character varying(128), "user_code" character varying(128), "uid" character varying(128), "account_id" character varying(128), "client_id" character varying(128), "expires_at" TIMESTAMP, "consumed_at" TIMESTAMP, CONSTRAINT "PK_afbd00678ed8c76df9897e89c48" PRIMARY KEY ("model", "id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_4949f21312bb0aca091d305d33" ON "oauth_records" ("grant_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_27fb90f42e155f6cde400a31c7" ON "oauth_records" ("user_code") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5fdbaf2f3633bf070bdbf444e8" ON "oauth_records" ("uid") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_fc6e45814b109eb9e27c5e41fe" ON "oauth_records" ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_cf11c00e66d1277102a1f437db" ON "oauth_records" ("client_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e82ef15dab37f70d87ffd3fbf1" ON "oauth_records" ("expires_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX "public"."IDX_e82ef15dab37f70d87ffd3fbf1"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_cf11c00e66d1277102a1f437db"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_fc6e45814b109eb9e27c5e41fe"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_5fdbaf2f3633bf070bdbf444e8"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_27fb90f42e155f6cde400a31c7"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_4949f21312bb0aca091d305d33"`,
    );
    await queryRunner.query(`DROP TABLE "oauth_records"`);
  }
}
