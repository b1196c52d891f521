import { MigrationInterface, QueryRunner } from 'typeorm';

export class FreshAuth1796000300000 implements MigrationInterface {
  name = 'FreshAuth1796000300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "recent_authentications" ("credential_id" varchar(64) PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "authenticated_at" bigint NOT NULL, CONSTRAINT "FK_00815002474ad1a911e9427cd44" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "recent_authentications"`);
  }
}
