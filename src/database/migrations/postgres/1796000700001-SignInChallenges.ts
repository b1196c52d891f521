import { MigrationInterface, QueryRunner } from 'typeorm';

export class SignInChallenges1796000700001 implements MigrationInterface {
  name = 'SignInChallenges1796000700001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sign_in_challenges" ("id" uuid NOT NULL, "token_hash" character varying(64) NOT NULL, "user_id" uuid NOT NULL, "purpose" character varying(16) NOT NULL, "passkey_ceremony_id" character varying(36), "attempts" integer NOT NULL DEFAULT '0', "expires_at" bigint NOT NULL, CONSTRAINT "UQ_0b592d23b431d52c753feec384c" UNIQUE ("token_hash"), CONSTRAINT "PK_f57d5bce65af0940271d12af92d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_45e4c7c3d74ec916c3e89ba499" ON "sign_in_challenges" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_aedbc39e763c2bd0fe3f479f78" ON "sign_in_challenges" ("expires_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "sign_in_challenges" ADD CONSTRAINT "FK_45e4c7c3d74ec916c3e89ba499b" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sign_in_challenges" DROP CONSTRAINT "FK_45e4c7c3d74ec916c3e89ba499b"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_aedbc39e763c2bd0fe3f479f78"`,
    );
    await queryRunner.query(
      `DROP INDEX "public"."IDX_45e4c7c3d74ec916c3e89ba499"`,
    );
    await queryRunner.query(`DROP TABLE "sign_in_challenges"`);
  }
}
