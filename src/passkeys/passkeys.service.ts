import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  VerifiedAuthenticationResponse,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { isUUID } from 'class-validator';
import { IsNull, MoreThan, LessThan, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { uniqueViolationColumn } from '../database/unique-violation';
import { UsersService } from '../users/users.service';
import {
  authenticationShapeProblem,
  isAuthenticationResponse,
  registrationShapeProblem,
} from './credential-shape';
import { Passkey } from './passkey.entity';
import { userHandleOf, userIdOfHandle } from './user-handle';
import {
  type CeremonyPurpose,
  WebauthnCeremony,
} from './webauthn-ceremony.entity';

/** How long a browser has to answer options; also the timeout the options carry. */
export const CEREMONY_TTL_MS = 5 * 60_000;
/** Enough for every device a person owns, few enough that a stolen session cannot flood the table. */
export const MAX_PASSKEYS_PER_USER = 25;

export interface StartedCeremony<Options> {
  ceremonyId: string;
  options: Options;
}

let library: Promise<typeof import('@simplewebauthn/server')> | undefined;

/**
 * @simplewebauthn/server, loaded at the first ceremony rather than at start: an instance whose
 * users never use a passkey does not hold it (about 6 MB of resident memory).
 */
function webAuthn(): Promise<typeof import('@simplewebauthn/server')> {
  library ??= import('@simplewebauthn/server');
  return library;
}

/**
 * Owns the passkeys and webauthn_ceremonies tables: registering a user's passkeys, listing,
 * renaming and deleting them, and verifying assertions for the sign-in module (which decides what
 * a verified passkey lets the person do).
 */
@Injectable()
export class PasskeysService {
  private readonly logger = new Logger(PasskeysService.name);

  constructor(
    @InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>,
    @InjectRepository(WebauthnCeremony)
    private readonly ceremonies: Repository<WebauthnCeremony>,
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  /** Creation options for a new passkey of the user, excluding the ones already registered. */
  async registrationOptions(user: {
    id: string;
    username: string;
  }): Promise<StartedCeremony<PublicKeyCredentialCreationOptionsJSON>> {
    const existing = await this.list(user.id);
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      throw new ConflictException(
        `An account can hold at most ${MAX_PASSKEYS_PER_USER} passkeys: delete one first`,
      );
    }
    const { generateRegistrationOptions } = await webAuthn();
    const options = await generateRegistrationOptions({
      rpName: this.config.webauthn.rpName,
      rpID: this.config.webauthn.rpId,
      userID: userHandleOf(user.id),
      userName: user.username,
      userDisplayName: user.username,
      timeout: CEREMONY_TTL_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({
        id: passkey.credentialId,
        transports: passkey.transports ?? undefined,
      })),
      authenticatorSelection: {
        residentKey: 'required',
        requireResidentKey: true,
        userVerification: 'preferred',
      },
    });
    const ceremonyId = await this.startCeremony(
      'registration',
      user.id,
      options.challenge,
    );
    return { ceremonyId, options };
  }

  /** Verifies a browser's answer to registrationOptions and stores the passkey; 400 naming why not. */
  async register(
    userId: string,
    ceremonyId: string,
    credential: unknown,
    name?: string,
  ): Promise<Passkey> {
    const challenge = await this.consumeCeremony(
      ceremonyId,
      'registration',
      userId,
    );
    if (challenge === null) {
      throw new BadRequestException(
        'ceremony_id is invalid, expired or already used: ask for new options with POST /api/passkeys/registration-options',
      );
    }
    const shapeProblem = registrationShapeProblem(credential);
    if (shapeProblem) {
      throw new BadRequestException(shapeProblem);
    }
    const { verifyRegistrationResponse } = await webAuthn();
    let verification: VerifiedRegistrationResponse;
    try {
      verification = await verifyRegistrationResponse({
        response: credential as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: [...this.config.webauthn.origins],
        expectedRPID: this.config.webauthn.rpId,
        requireUserVerification: false,
      });
    } catch (error) {
      throw new BadRequestException(
        `The passkey could not be verified: ${(error as Error).message}`,
      );
    }
    if (!verification.verified) {
      throw new BadRequestException('The passkey could not be verified');
    }
    const info = verification.registrationInfo;
    const count = await this.countFor(userId);
    if (count >= MAX_PASSKEYS_PER_USER) {
      throw new ConflictException(
        `An account can hold at most ${MAX_PASSKEYS_PER_USER} passkeys: delete one first`,
      );
    }
    const passkey = this.passkeys.create({
      id: randomUUID(),
      userId,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: credentialTransports(credential),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name: name?.trim() || `Passkey ${count + 1}`,
      createdAt: new Date(Date.now()),
      lastUsedAt: null,
    });
    try {
      await this.passkeys.insert(passkey);
    } catch (error) {
      if (uniqueViolationColumn(error) !== null) {
        throw new ConflictException(
          'This passkey is already registered (to this account or another one)',
        );
      }
      throw error;
    }
    await this.users.forgetCachedState(userId);
    return passkey;
  }

  list(userId: string): Promise<Passkey[]> {
    return this.passkeys.find({
      where: { userId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** 404 for another user's passkey as for a missing one. */
  async rename(userId: string, id: string, name: string): Promise<Passkey> {
    const passkey = await this.passkeys.findOneBy({ id, userId });
    if (!passkey) {
      throw new NotFoundException(`No passkey with id ${id}`);
    }
    passkey.name = name;
    await this.passkeys.update({ id, userId }, { name });
    return passkey;
  }

  /** 404 for another user's passkey as for a missing one. */
  async delete(userId: string, id: string): Promise<Passkey> {
    const passkey = await this.passkeys.findOneBy({ id, userId });
    const result = await this.passkeys.delete({ id, userId });
    if (!passkey || !result.affected) {
      throw new NotFoundException(`No passkey with id ${id}`);
    }
    await this.users.forgetCachedState(userId);
    return passkey;
  }

  countFor(userId: string): Promise<number> {
    return this.passkeys.countBy({ userId });
  }

  async deleteAllOf(userId: string): Promise<void> {
    await this.passkeys.delete({ userId });
    await this.ceremonies.delete({ userId });
    await this.users.forgetCachedState(userId);
  }

  /**
   * Request options for the user's passkeys, or (null) for any discoverable passkey of this RP:
   * the passkey-only sign-in, which requires user verification so that the passkey is two
   * factors by itself.
   */
  async authenticationOptions(
    userId: string | null,
  ): Promise<StartedCeremony<PublicKeyCredentialRequestOptionsJSON>> {
    const allowCredentials =
      userId === null
        ? undefined
        : (await this.list(userId)).map((passkey) => ({
            id: passkey.credentialId,
            transports: passkey.transports ?? undefined,
          }));
    const { generateAuthenticationOptions } = await webAuthn();
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      allowCredentials,
      timeout: CEREMONY_TTL_MS,
      userVerification: userId === null ? 'required' : 'preferred',
    });
    const ceremonyId = await this.startCeremony(
      'authentication',
      userId,
      options.challenge,
    );
    return { ceremonyId, options };
  }

  /**
   * Spends the ceremony, then checks the assertion: the passkey exists (and is `expectedUserId`'s
   * when given; the one issued the ceremony must be the same), its signature, challenge, origin,
   * RP id and counter are right, and, without an expected user, the user was verified.
   * Updates the counter and last_used_at. Null for anything wrong; the reason goes to the debug log.
   */
  async verifyAuthentication(
    ceremonyId: string,
    credential: unknown,
    expectedUserId: string | null,
  ): Promise<{ userId: string; passkeyId: string } | null> {
    const challenge = await this.consumeCeremony(
      ceremonyId,
      'authentication',
      expectedUserId,
    );
    if (challenge === null) {
      return this.refused(
        'the ceremony is unknown, expired, used or not this user’s',
      );
    }
    if (!isAuthenticationResponse(credential)) {
      return this.refused(authenticationShapeProblem(credential) ?? '');
    }
    const passkey = await this.passkeys.findOneBy({
      credentialId: credential.id,
    });
    if (!passkey) {
      return this.refused('no passkey has this credential id');
    }
    if (expectedUserId !== null && passkey.userId !== expectedUserId) {
      return this.refused('the passkey belongs to another account');
    }
    const { userHandle } = credential.response;
    if (userHandle && userIdOfHandle(userHandle) !== passkey.userId) {
      return this.refused('the user handle is not the passkey owner’s');
    }
    const { verifyAuthenticationResponse } = await webAuthn();
    let verification: VerifiedAuthenticationResponse;
    try {
      verification = await verifyAuthenticationResponse({
        response: credential,
        expectedChallenge: challenge,
        expectedOrigin: [...this.config.webauthn.origins],
        expectedRPID: this.config.webauthn.rpId,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(
            Buffer.from(passkey.publicKey, 'base64url'),
          ),
          counter: passkey.counter,
          transports: passkey.transports ?? undefined,
        },
        requireUserVerification: expectedUserId === null,
      });
    } catch (error) {
      return this.refused((error as Error).message);
    }
    if (!verification.verified) {
      return this.refused('the signature does not verify');
    }
    const info = verification.authenticationInfo;
    await this.passkeys.update(
      { id: passkey.id },
      {
        counter: info.newCounter,
        backedUp: info.credentialBackedUp,
        lastUsedAt: new Date(Date.now()),
      },
    );
    return { userId: passkey.userId, passkeyId: passkey.id };
  }

  private refused(reason: string): null {
    this.logger.debug(`passkey assertion refused: ${reason}`);
    return null;
  }

  private async startCeremony(
    purpose: CeremonyPurpose,
    userId: string | null,
    challenge: string,
  ): Promise<string> {
    // Abandoned ceremonies go here rather than on a timer: the table stays as small as its use.
    await this.ceremonies.delete({ expiresAt: LessThan(new Date(Date.now())) });
    const id = randomUUID();
    await this.ceremonies.insert({
      id,
      userId,
      purpose,
      challenge,
      expiresAt: new Date(Date.now() + CEREMONY_TTL_MS),
    });
    return id;
  }

  /**
   * The ceremony's challenge if it was issued for this purpose and user, is unexpired and this
   * call is the one that deleted it (one conditional DELETE: of two racing uses, one wins).
   * A mismatch (another user, another purpose) leaves the ceremony to its owner.
   */
  private async consumeCeremony(
    id: string,
    purpose: CeremonyPurpose,
    userId: string | null,
  ): Promise<string | null> {
    if (typeof id !== 'string' || !isUUID(id)) {
      return null;
    }
    const ceremony = await this.ceremonies.findOneBy({ id });
    if (
      !ceremony ||
      ceremony.purpose !== purpose ||
      ceremony.userId !== userId
    ) {
      return null;
    }
    const result = await this.ceremonies.delete({
      id,
      purpose,
      userId: userId ?? IsNull(),
      expiresAt: MoreThan(new Date(Date.now())),
    });
    return result.affected ? ceremony.challenge : null;
  }
}

function credentialTransports(credential: unknown): string[] | null {
  const transports = (credential as { response: { transports?: unknown } })
    .response.transports;
  if (!Array.isArray(transports)) {
    return null;
  }
  const known = transports.filter(
    (t): t is string => typeof t === 'string' && /^[a-z-]{1,16}$/.test(t),
  );
  return known.length ? known.slice(0, 8) : null;
}
