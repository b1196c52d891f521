import { MigrationInterface, QueryRunner } from 'typeorm';

export class RefreshReuseGrace1795944176689 implements MigrationInterface {
  name = 'RefreshReuseGrace1795944176689';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" ADD "sealed_successor" text`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" DROP COLUMN "sealed_successor"`,
    );
  }
}
