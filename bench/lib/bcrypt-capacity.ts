import { compare, hash } from 'bcrypt';

/**
 * What this machine's cores can verify at `cost`: `concurrency` bcrypt.compare calls kept in
 * flight for `durationSeconds` (async bcrypt runs on the libuv threadpool, 4 threads unless
 * UV_THREADPOOL_SIZE says otherwise), in this process while the servers sit idle.
 */
export async function bcryptCapacity(
  cost: number,
  concurrency: number,
  durationSeconds: number,
): Promise<number> {
  const password = 'bench-password-capacity';
  const digest = await hash(password, cost);
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  let completed = 0;
  let lastCompletion = started;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        if (!(await compare(password, digest))) {
          throw new Error('bcrypt.compare failed on its own hash');
        }
        completed += 1;
        lastCompletion = performance.now();
      }
    }),
  );
  return completed / ((lastCompletion - started) / 1000);
}
