import { Controller, Get, Header, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/public.decorator';
import { JwksResponse } from './dto/signing-key.response';
import { SigningKeysService } from './signing-keys.service';

/** RFC 8414/OIDC's well-known place, outside /api (see configureApp's prefix exclusion). */
export const JWKS_PATH = '.well-known/jwks.json';

@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  /** The public keys that verify Gatehouse access tokens: what resource servers fetch. */
  @Get('jwks.json')
  @Public()
  @Header('content-type', 'application/jwk-set+json')
  @ApiOperation({
    summary: 'The JSON Web Key Set that verifies access tokens',
    description:
      'The public keys that may verify a live access token: the signing key, a successor published ahead of signing, and retired keys until the last token they signed has expired. A revoked key is removed at once. Empty under JWT_ALGORITHM=HS256. Verifiers should cache it for the Cache-Control max-age and re-fetch when a token names a kid they do not know.',
  })
  @ApiProduces('application/jwk-set+json')
  @ApiOkResponse({
    type: JwksResponse,
    headers: {
      'Cache-Control': {
        description:
          'public, max-age=300 (or a quarter of SIGNING_KEY_ROTATION when shorter)',
        schema: { type: 'string' },
      },
    },
  })
  jwks(@Res({ passthrough: true }) reply: FastifyReply): JwksResponse {
    const maxAge = Math.floor(this.keys.policy.jwksMaxAgeMs / 1000);
    void reply.header('cache-control', `public, max-age=${maxAge}`);
    return { keys: this.keys.jwks() as JwksResponse['keys'] };
  }
}
