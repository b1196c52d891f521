// Proves package.json's `engines.node` true: the running Node, and the lowest version of each
// range the field declares (20.19.0 for ^20.19.0, …), satisfy the `engines.node` of every
// package in package-lock.json. npm only warns (EBADENGINE) about the running Node; this fails.
//
//   node scripts/check-engines.mjs [--root DIR]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

function main(args) {
  const rootIndex = args.indexOf('--root');
  const root = rootIndex >= 0 ? args[rootIndex + 1] : process.cwd();
  const require = createRequire(join(root, 'package.json'));
  const semver = require('semver');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(
    readFileSync(join(root, 'package-lock.json'), 'utf8'),
  );
  const declared = manifest.engines?.node;
  if (!declared) {
    console.error('package.json declares no engines.node');
    return 1;
  }
  const lowest = new semver.Range(declared).set.map(
    (comparators) =>
      semver.minVersion(comparators.map((c) => c.value).join(' ')).version,
  );
  const running = process.version.slice(1);
  const problems = [];
  if (!semver.satisfies(running, declared)) {
    problems.push(`the running Node ${running} is outside "${declared}"`);
  }
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const wanted = entry.engines?.node;
    if (!path || !wanted) {
      continue;
    }
    for (const version of new Set([running, ...lowest])) {
      if (!semver.satisfies(version, wanted)) {
        problems.push(
          `${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${wanted}, not ${version}`,
        );
      }
    }
  }
  if (problems.length > 0) {
    console.error(`engines.node "${declared}" is not true:`);
    for (const problem of problems) {
      console.error(`  - ${problem}`);
    }
    return 1;
  }
  console.log(
    `engines.node "${declared}" holds for Node ${running} and ${lowest.join(', ')} across ${Object.keys(lock.packages).length - 1} locked packages`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
