import { ValidateBy, type ValidationOptions } from 'class-validator';
import { OAUTH_SCOPES } from '../../oauth/oauth-scopes';
import {
  redirectUriProblem,
  scopeList,
  unknownScopes,
} from '../oauth-client-policy';

/** Each element is a usable redirect URI; the message names the field, the URI and the rule. */
export function IsRedirectUriList(): PropertyDecorator {
  const firstProblem = (value: unknown): string | null => {
    if (!Array.isArray(value)) {
      return null;
    }
    for (const uri of value) {
      if (typeof uri === 'string') {
        const problem = redirectUriProblem(uri);
        if (problem) {
          return `entry "${uri.slice(0, 200)}" ${problem}`;
        }
      }
    }
    return null;
  };
  return ValidateBy({
    name: 'isRedirectUriList',
    validator: {
      validate: (value) => firstProblem(value) === null,
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} ${firstProblem(args?.value) ?? ''}`,
    },
  });
}

/** A space-separated list of at least one of the scopes Gatehouse offers. */
export function IsOAuthScope(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOAuthScope',
      validator: {
        validate: (value) =>
          typeof value === 'string' &&
          scopeList(value).length > 0 &&
          unknownScopes(value).length === 0,
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          const allowed = OAUTH_SCOPES.join(', ');
          if (typeof value !== 'string' || scopeList(value).length === 0) {
            return `scope must be a space-separated list of one or more of: ${allowed}`;
          }
          return `scope has unknown scopes (${unknownScopes(value).join(', ').slice(0, 200)}); allowed: ${allowed}`;
        },
      },
    },
    options,
  );
}
