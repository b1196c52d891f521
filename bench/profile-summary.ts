// Prints where a .cpuprofile's busy time went, as markdown:
//   node -r @swc-node/register bench/profile-summary.ts bench/results/profiles/jwt.cpuprofile
import { basename } from 'node:path';
import { profileMarkdown, summariseProfile } from './lib/profile-summary';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write(
    'usage: node -r @swc-node/register bench/profile-summary.ts <file.cpuprofile>...\n',
  );
  process.exitCode = 2;
}
for (const file of files) {
  process.stdout.write(
    `${profileMarkdown(basename(file, '.cpuprofile'), summariseProfile(file))}\n`,
  );
}
