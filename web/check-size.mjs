// Fails the build when the console's JavaScript outgrows its budget (issue 12: 200 KB gzipped).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 200 * 1024;
const assets = join(import.meta.dirname, 'dist', 'assets');
let total = 0;
for (const name of readdirSync(assets)) {
  if (name.endsWith('.js')) {
    const size = gzipSync(readFileSync(join(assets, name)), {
      level: 9,
    }).length;
    total += size;
    process.stdout.write(`${name}: ${(size / 1024).toFixed(1)} KB gzipped\n`);
  }
}
const verdict = `console JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)`;
if (total > BUDGET_BYTES) {
  process.stderr.write(`${verdict}: over budget\n`);
  process.exit(1);
}
process.stdout.write(`${verdict}\n`);
