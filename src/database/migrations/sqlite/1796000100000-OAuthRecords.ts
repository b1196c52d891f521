import { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthRecords1796000100000 implements MigrationInterface {
  name = 'OAuthRecords1796000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oauth_records" ("model" varchar(64) NOT NULL, "id" varchar(128) NOT NULL, "payload" text NOT NULL, "grant_id" varchar(128), "user_code" varchar(128), "uid" varchar(128), "account_id" varchar(128), "client_id" varchar(128), "expires_at" datetime, "consumed_at" datetime, PRIMARY KEY ("model", "id"))`,
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
    await queryRunner.query(`DROP INDEX "IDX_e82ef15dab37f70d87ffd3fbf1"`);
    await queryRunner.query(`DROP INDEX "IDX_cf11c00e66d1277102a1f437db"`);
    await queryRunner.query(`DROP INDEX "IDX_fc6e45814b109eb9e27c5e41fe"`);
    await queryRunner.query(`DROP INDEX "IDX_5fdbaf2f3633bf070bdbf444e8"`);
    await queryRunner.query(`DROP INDEX "IDX_27fb90f42e155f6cde400a31c7"`);
    await queryRunner.query(`DROP INDEX "IDX_4949f21312bb0aca091d305d33"`);
    await queryRunner.query(`DROP TABLE "oauth_records"`);
  }
}
