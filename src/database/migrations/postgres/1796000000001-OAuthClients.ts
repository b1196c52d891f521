import { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthClients1796000000001 implements MigrationInterface {
  name = 'OAuthClients1796000000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oauth_clients" ("client_id" character varying(64) NOT NULL, "client_name" character varying(100) NOT NULL, "redirect_uris" text NOT NULL, "post_logout_redirect_uris" text NOT NULL, "grant_types" text NOT NULL, "scope" character varying(500) NOT NULL, "token_endpoint_auth_method" character varying(32) NOT NULL, "secret_hash" character varying(64), "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP NOT NULL DEFAULT now(), "updated_at" TIMESTAMP NOT NULL DEFAULT now(), "created_by" uuid, CONSTRAINT "PK_c5c4af500cc8bfc05500fff7f90" PRIMARY KEY ("client_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oauth_clients"`);
  }
}
