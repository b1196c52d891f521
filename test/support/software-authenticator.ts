import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** One credential the authenticator holds: a discoverable (resident) ES256 key pair. */
export interface SoftwareCredential {
  /** base64url, as the server stores it. */
  readonly id: string;
  readonly rpId: string;
  /** base64url of the user handle the server gave at registration (options.user.id). */
  readonly userHandle: string;
  readonly userName: string;
  readonly privateKey: KeyObject;
  /** The signature counter; the next assertion sends counter + 1 (0 stays 0 when counterless). */
  counter: number;
}

export interface SoftwareAuthenticatorOptions {
  /** Set UV (user verified) in its answers; true by default, like a platform authenticator. */
  userVerification?: boolean;
  /** BE and BS flags: a synced passkey (multiDevice, backed up). false by default. */
  backedUp?: boolean;
  /** Never counts signatures (counter stays 0), as synced passkeys do. false by default. */
  counterless?: boolean;
}

/** Per-call changes a browser would never make: for tests of what the server refuses. */
export interface CeremonyOverrides {
  /** The RP id hashed into authenticatorData instead of the options' one. */
  rpId?: string;
  /** The clientDataJSON type instead of webauthn.create / webauthn.get. */
  type?: string;
  /** Registration: ignore excludeCredentials (a browser refuses to create then). */
  ignoreExcludeCredentials?: boolean;
  /**
   * Authentication: use this credential (by id) even if allowCredentials does not list it.
   * Registration: answer with this existing credential again, as a faulty or hostile
   * authenticator could (combine with ignoreExcludeCredentials).
   */
  credentialId?: string;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;
const COSE_ES256 = -7;

/** What a browser throws (DOMException name) when an authenticator cannot or may not answer. */
export class AuthenticatorError extends Error {
  constructor(
    readonly domExceptionName: 'InvalidStateError' | 'NotAllowedError',
    message: string,
  ) {
    super(message);
    this.name = domExceptionName;
  }
}

/**
 * A WebAuthn authenticator in software, answering like a browser does with `navigator.credentials`
 * and @simplewebauthn/browser's JSON: attestation `none`, ES256 keys from node:crypto, CBOR from
 * @levischuck/tiny-cbor, user presence always, user verification by default, a signature counter.
 * Credentials are discoverable: `get` without allowCredentials picks one for the RP id and returns
 * its userHandle, as in a passkey-only sign-in.
 */
export class SoftwareAuthenticator {
  /** Every credential created, in creation order. */
  readonly credentials: SoftwareCredential[] = [];
  /** An AAGUID of zeros is what attestation `none` usually carries. */
  readonly aaguid = Buffer.alloc(16);

  constructor(private readonly options: SoftwareAuthenticatorOptions = {}) {}

  /** navigator.credentials.create(): a new credential for `options` at `origin`. */
  create(
    options: PublicKeyCredentialCreationOptionsJSON,
    origin: string,
    overrides: CeremonyOverrides = {},
  ): RegistrationResponseJSON {
    const rpId = options.rp.id ?? new URL(origin).hostname;
    if (!options.pubKeyCredParams.some((p) => p.alg === COSE_ES256)) {
      throw new AuthenticatorError(
        'NotAllowedError',
        'the options allow no ES256 (-7) key, the only kind this authenticator makes',
      );
    }
    const excluded = new Set(
      (options.excludeCredentials ?? []).map((descriptor) => descriptor.id),
    );
    if (
      !overrides.ignoreExcludeCredentials &&
      this.credentials.some((c) => c.rpId === rpId && excluded.has(c.id))
    ) {
      throw new AuthenticatorError(
        'InvalidStateError',
        'this authenticator already holds a credential in excludeCredentials',
      );
    }

    const credential =
      overrides.credentialId !== undefined
        ? this.find(overrides.credentialId)
        : this.newCredential(rpId, options.user);
    const rawId = Buffer.from(credential.id, 'base64url');
    const publicKey = createPublicKey(credential.privateKey);

    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = encodeCBOR(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, COSE_ES256], // alg
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x as string, 'base64url')],
        [-3, Buffer.from(jwk.y as string, 'base64url')],
      ]),
    );
    const credentialIdLength = Buffer.alloc(2);
    credentialIdLength.writeUInt16BE(rawId.length);
    const authData = Buffer.concat([
      this.authDataHead(overrides.rpId ?? rpId, FLAG_AT, credential.counter),
      this.aaguid,
      credentialIdLength,
      rawId,
      coseKey,
    ]);
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, CBORType>()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = clientData(
      overrides.type ?? 'webauthn.create',
      options.challenge,
      origin,
    );
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: base64url(clientDataJSON),
        attestationObject: base64url(attestationObject),
        authenticatorData: base64url(authData),
        transports: ['internal', 'hybrid'],
        publicKeyAlgorithm: COSE_ES256,
        publicKey: base64url(spki),
      },
    };
  }

  /** navigator.credentials.get(): an assertion for `options` at `origin`. */
  get(
    options: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
    overrides: CeremonyOverrides = {},
  ): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(origin).hostname;
    const credential = this.pick(options, rpId, overrides.credentialId);
    if (!this.options.counterless) {
      credential.counter += 1;
    }
    const authData = this.authDataHead(
      overrides.rpId ?? rpId,
      0,
      credential.counter,
    );
    const clientDataJSON = clientData(
      overrides.type ?? 'webauthn.get',
      options.challenge,
      origin,
    );
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(clientDataJSON)]),
      credential.privateKey,
    );
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authData),
        signature: base64url(signature),
        userHandle: credential.userHandle,
      },
    };
  }

  private newCredential(
    rpId: string,
    user: PublicKeyCredentialCreationOptionsJSON['user'],
  ): SoftwareCredential {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential: SoftwareCredential = {
      id: base64url(randomBytes(32)),
      rpId,
      userHandle: user.id,
      userName: user.name,
      privateKey,
      counter: 0,
    };
    // A discoverable credential replaces one of the same RP and user, as platform authenticators do.
    const previous = this.credentials.findIndex(
      (c) => c.rpId === rpId && c.userHandle === user.id,
    );
    if (previous >= 0) {
      this.credentials.splice(previous, 1);
    }
    this.credentials.push(credential);
    return credential;
  }

  private find(credentialId: string): SoftwareCredential {
    const credential = this.credentials.find((c) => c.id === credentialId);
    if (!credential) {
      throw new AuthenticatorError(
        'NotAllowedError',
        `no credential ${credentialId} on this authenticator`,
      );
    }
    return credential;
  }

  private pick(
    options: PublicKeyCredentialRequestOptionsJSON,
    rpId: string,
    credentialId: string | undefined,
  ): SoftwareCredential {
    if (credentialId !== undefined) {
      return this.find(credentialId);
    }
    const allowed = (options.allowCredentials ?? []).map((d) => d.id);
    const chosen = this.credentials.find(
      (c) =>
        c.rpId === rpId && (allowed.length === 0 || allowed.includes(c.id)),
    );
    if (!chosen) {
      throw new AuthenticatorError(
        'NotAllowedError',
        `no credential for ${rpId}${allowed.length ? ' among allowCredentials' : ''}`,
      );
    }
    return chosen;
  }

  private authDataHead(rpId: string, extraFlags: number, counter: number) {
    let flags = FLAG_UP | extraFlags;
    if (this.options.userVerification ?? true) {
      flags |= FLAG_UV;
    }
    if (this.options.backedUp) {
      flags |= FLAG_BE | FLAG_BS;
    }
    const head = Buffer.alloc(37);
    sha256(Buffer.from(rpId)).copy(head, 0);
    head.writeUInt8(flags, 32);
    head.writeUInt32BE(counter, 33);
    return head;
  }
}

function clientData(type: string, challenge: string, origin: string): Buffer {
  return Buffer.from(
    JSON.stringify({ type, challenge, origin, crossOrigin: false }),
  );
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function base64url(data: Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}
