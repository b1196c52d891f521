import { MigrationInterface, QueryRunner } from 'typeorm';

export class FreshAuth1796000300001 implements MigrationInterface {
  name = 'FreshAuth1796000300001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "recent_authentications" ("credential_id" character varying(64) NOT NULL, "user_id" uuid NOT NULL, "authenticated_at" bigint NOT NULL, CONSTRAINT "PK_1aa7c1c67765415b487dc978f97" PRIMARY KEY ("credential_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "recent_authentications" ADD CONSTRAINT "FK_00815002474ad1a911e9427cd44" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "recent_authentications" DROP CONSTRAINT "FK_00815002474ad1a911e9427cd44"`,
    );
    await queryRunner.query(`DROP TABLE "recent_authentications"`);
  }
}
