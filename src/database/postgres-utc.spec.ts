import { packagesLoadedBy } from '../../test/support/fresh-process';

const BUILD_OPTIONS = `
  const { loadConfig } = require('./src/config/app-config');
  const { buildDataSourceOptions } = require('./src/database/database.options');
  const dataDir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'gatehouse-pg-'));
`;

describe('pg, loaded for PostgreSQL only', () => {
  it('stays unloaded on SQLite, and is loaded (with the UTC settings) for PostgreSQL', () => {
    expect(
      packagesLoadedBy(
        `${BUILD_OPTIONS} buildDataSourceOptions(loadConfig({ DATA_DIR: dataDir }));`,
      ),
    ).not.toContain('pg');
    const postgres = packagesLoadedBy(
      `${BUILD_OPTIONS}
       buildDataSourceOptions(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://gatehouse@127.0.0.1:5432/gatehouse' }));
       if (require('pg').defaults.parseInputDatesAsUTC !== true) throw new Error('pg is not set to UTC');`,
    );
    expect(postgres).toContain('pg');
    expect(postgres).toContain('typeorm');
  });
});
