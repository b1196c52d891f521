import { MigrationInterface, QueryRunner } from 'typeorm';

export class SecondFactors1796000500001 implements MigrationInterface {
  name = 'SecondFactors1796000500001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "code_hash" character varying(64) NOT NULL, "used_at" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_0723b9e53961e799027d7f7ba32" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "totp_factors" ("user_id" uuid NOT NULL, "sealed_secret" character varying(200) NOT NULL, "confirmed_at" TIMESTAMP, "last_used_step" bigint, "created_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "PK_eded11141800ddff9dfbd017fd2" PRIMARY KEY ("user_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "recovery_codes" ADD CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "totp_factors" ADD CONSTRAINT "FK_eded11141800ddff9dfbd017fd2" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "totp_factors" DROP CONSTRAINT "FK_eded11141800ddff9dfbd017fd2"`,
    );
    await queryRunner.query(
      `ALTER TABLE "recovery_codes" DROP CONSTRAINT "FK_fb82b2ac740ca095b617afad031"`,
    );
    await queryRunner.query(`DROP TABLE "totp_factors"`);
    await queryRunner.query(
      `DROP INDEX "public"."IDX_d07c335ded337e58c4f36f234d"`,
    );
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
  }
}
