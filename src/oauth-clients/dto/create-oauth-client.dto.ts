import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { unlessMissing } from '../../common/http/required-field';
import { OAUTH_SCOPES } from '../../oauth/oauth-scopes';
import {
  DEFAULT_AUTH_METHOD,
  DEFAULT_GRANT_TYPES,
  DEFAULT_SCOPE,
  OAUTH_GRANT_TYPES,
  type OAuthGrantType,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type TokenEndpointAuthMethod,
} from '../oauth-client-policy';
import { IsOAuthScope, IsRedirectUriList } from './oauth-client-validators';

const MAX_URIS = 20;
const MAX_URI_LENGTH = 2000;
const REDIRECT_URI_RULES =
  'Absolute URLs without a fragment, matched exactly; https, or http only for localhost, 127.0.0.1 or [::1]';

const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

/** Registration of a client, with RFC 7591's metadata names. */
export class CreateOAuthClientDto {
  @ApiProperty({ example: 'Reporting dashboard', maxLength: 100 })
  @Transform(trim)
  @IsString({ message: unlessMissing('must be a string') })
  @IsNotEmpty({ message: unlessMissing('must not be empty') })
  @MaxLength(100, {
    message: unlessMissing('must be at most 100 characters long'),
  })
  client_name!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://dashboard.example.com/callback'],
    description: `${REDIRECT_URI_RULES}. At least one when grant_types includes authorization_code.`,
    maxItems: MAX_URIS,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_URIS)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(MAX_URI_LENGTH, { each: true })
  @IsRedirectUriList()
  redirect_uris?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['https://dashboard.example.com/'],
    description: `Where RP-initiated logout may send the browser back to. ${REDIRECT_URI_RULES}.`,
    maxItems: MAX_URIS,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_URIS)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(MAX_URI_LENGTH, { each: true })
  @IsRedirectUriList()
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    enum: OAUTH_GRANT_TYPES,
    isArray: true,
    default: DEFAULT_GRANT_TYPES,
    description:
      'A public client cannot have client_credentials; refresh_token needs authorization_code or the device grant',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(OAUTH_GRANT_TYPES, {
    each: true,
    message: `grant_types must each be one of: ${OAUTH_GRANT_TYPES.join(', ')}`,
  })
  grant_types?: OAuthGrantType[];

  @ApiPropertyOptional({
    example: 'openid profile data:read',
    default: DEFAULT_SCOPE,
    description: `Space separated: the scopes the client may ask for, among ${OAUTH_SCOPES.join(', ')}`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsOAuthScope()
  scope?: string;

  @ApiPropertyOptional({
    enum: TOKEN_ENDPOINT_AUTH_METHODS,
    default: DEFAULT_AUTH_METHOD,
    description:
      '`none` registers a public client (no secret; PKCE required); the others a confidential client with a secret',
  })
  @IsOptional()
  @IsIn(TOKEN_ENDPOINT_AUTH_METHODS, {
    message: `token_endpoint_auth_method must be one of: ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`,
  })
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
}
