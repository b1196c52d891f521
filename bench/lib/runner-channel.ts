// What every server the runner starts answers over the child-process IPC channel: a forced
// garbage collection, its memory figures, and an in-process V8 sampling profiler per case.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { RunnerToServer, ServerToRunner } from './server-messages';

export function sendToRunner(message: ServerToRunner): void {
  process.send?.(message);
}

/** Answers the runner's common messages; `other` gets those a particular server knows. */
export function answerRunner(
  other: (message: RunnerToServer) => void = () => undefined,
): void {
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on('message', (message: RunnerToServer) => {
    if (message.type === 'gc') {
      // Started with --expose-gc: each sample begins with a clean heap, not the last one's garbage.
      globalThis.gc?.();
      sendToRunner({ type: 'gc-done' });
    } else if (message.type === 'memory-request') {
      const usage: Record<string, number> = {};
      for (const [name, bytes] of Object.entries(process.memoryUsage())) {
        usage[name] = Math.round((bytes / 1024 / 1024) * 10) / 10;
      }
      sendToRunner({ type: 'memory', usage });
    } else if (message.type === 'profile-start' && !profiling) {
      profiling = true;
      session.post('Profiler.enable', () =>
        session.post(
          'Profiler.setSamplingInterval',
          { interval: message.intervalMicros },
          () =>
            session.post('Profiler.start', () =>
              sendToRunner({ type: 'profile-started' }),
            ),
        ),
      );
    } else if (message.type === 'profile-stop' && profiling) {
      session.post('Profiler.stop', (error, result) => {
        profiling = false;
        if (error) {
          sendToRunner({ type: 'profile-error', message: error.message });
          return;
        }
        writeFileSync(message.path, JSON.stringify(result.profile));
        sendToRunner({ type: 'profile-written', path: message.path });
      });
    } else {
      other(message);
    }
  });
}
