import type { Server } from 'node:http';
import { BadRequestException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse as parseQueryString } from 'fast-querystring';
import { MAX_BODY_DEPTH, nestsDeeperThan } from './body-depth';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Fastify's JSON parser and a form parser like Nest's (fast-querystring), each behind a check
 * that runs on the body alone:
 * - JSON deeper than MAX_BODY_DEPTH is refused before it is parsed: class-transformer recurses
 *   into every level, so 2,000 levels (4 KB) would overflow the stack. Forms need no such
 *   check: fast-querystring parses them flat (`a[b][c]` is one key), as it does query strings.
 * - JSON sent as a form (`curl -d '{…}'` without a Content-Type) would otherwise become one
 *   unknown property named after the whole body; the client is told to say it is JSON.
 * Must run before `app.init()`, which registers Nest's parsers for the types not taken here.
 */
export function useBodyParsers(
  app: NestFastifyApplication,
  bodyLimit: number,
): void {
  const parseJson = app
    .getHttpAdapter()
    .getInstance()
    .getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>(
    'application/json',
    { bodyLimit },
    (request, body, done) => {
      if (nestsDeeperThan(body, MAX_BODY_DEPTH)) {
        done(
          new BadRequestException(
            `Request body nests objects or arrays more than ${MAX_BODY_DEPTH} levels deep`,
          ),
          undefined,
        );
        return;
      }
      // Typed for a string, it takes the bytes as Nest's default parser gives them.
      void parseJson(request, body as unknown as string, done);
    },
  );

  app.useBodyParser<Server>(
    'application/x-www-form-urlencoded',
    { bodyLimit },
    (request, body, done) => {
      if (body[0] === OPEN_BRACE || body[0] === OPEN_BRACKET) {
        done(
          new BadRequestException(
            'The body is JSON but Content-Type says it is a form: send Content-Type: application/json',
          ),
          undefined,
        );
        return;
      }
      const form = parseQueryString(body.toString());
      // fast-querystring's object has no prototype, so "__proto__" is an ordinary key there;
      // copied onto a DTO it would replace that object's prototype. Refused, as in JSON.
      if (Object.hasOwn(form, '__proto__')) {
        done(
          new BadRequestException(
            'Object contains forbidden prototype property',
          ),
          undefined,
        );
        return;
      }
      done(null, form);
    },
  );
}
