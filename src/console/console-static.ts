import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Vite names every built asset after its content hash, so a cached copy can never go stale. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Where `npm run build:web` writes the console: web/dist in the package root. */
export function defaultConsoleDir(): string {
  // From src/console (ts-node, tests) or dist/src/console (built): the root holds package.json.
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) {
    dir = dirname(dir);
  }
  return join(dir, 'web', 'dist');
}

/** A first path segment that is the console's: anything but `api` and `assets`. */
const CONSOLE_SECTION = '^(?!api$|assets$)[^/]+$';

/**
 * Serves the built console at `/`: hashed assets cached for a year, index.html revalidated on
 * every load, and every other non-API GET (a deep link such as /keys) answered with index.html so
 * the app's router can take it. Without a build, the server runs as a bare API.
 */
export async function serveConsole(
  app: NestFastifyApplication,
  dir: string = defaultConsoleDir(),
): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    new Logger('Console').warn(
      `no console build in ${dir}: run "npm run build:web" to serve it at /`,
    );
    return;
  }
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // One route per built file, found at start, so that unknown paths reach the handler below.
    wildcard: false,
    cacheControl: false,
    setHeaders: (reply, path) => setCacheHeaders(reply, path),
  });
  const sendApp = (_request: FastifyRequest, reply: FastifyReply) =>
    reply.sendFile('index.html');
  // Deep links are any path whose first segment is not the API's or the assets': a plain '/*'
  // would also catch /api paths that the router refused (a parameter over maxParamLength), and
  // turn their 414 into this route's 404.
  fastify.get(`/:section(${CONSOLE_SECTION})`, sendApp);
  fastify.get(`/:section(${CONSOLE_SECTION})/*`, sendApp);
}

function setCacheHeaders(reply: FastifyReply, path: string): void {
  void reply.header(
    'cache-control',
    /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : 'no-cache',
  );
}
