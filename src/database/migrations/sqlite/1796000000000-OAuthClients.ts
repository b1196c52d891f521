import { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthClients1796000000000 implements MigrationInterface {
  name = 'OAuthClients1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oauth_clients" ("client_id" varchar(64) PRIMARY KEY NOT NULL, "client_name" varchar(100) NOT NULL, "redirect_uris" text NOT NULL, "post_logout_redirect_uris" text NOT NULL, "grant_types" text NOT NULL, "scope" varchar(500) NOT NULL, "token_endpoint_auth_method" varchar(32) NOT NULL, "secret_hash" varchar(64), "disabled" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "created_by" varchar)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oauth_clients"`);
  }
}
