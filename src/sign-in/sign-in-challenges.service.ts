import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, LessThanOrEqual, MoreThan, type Repository } from 'typeorm';
import { sha256Hex } from '../common/crypto/sha256';
import {
  SignInChallenge,
  type SignInPurpose,
} from './sign-in-challenge.entity';

/** How long the second step may take. */
export const CHALLENGE_TTL_SECONDS = 300;
/** Wrong answers a challenge survives; the next one ends it (sign in again with the password). */
export const CHALLENGE_MAX_ATTEMPTS = 5;

export interface IssuedChallenge {
  token: string;
  expiresIn: number;
}

/** Owns sign_in_challenges: half-finished sign-ins, single-use, short-lived, stored hashed. */
@Injectable()
export class SignInChallengesService {
  constructor(
    @InjectRepository(SignInChallenge)
    private readonly challenges: Repository<SignInChallenge>,
  ) {}

  async issue(
    userId: string,
    purpose: SignInPurpose,
    passkeyCeremonyId: string | null,
  ): Promise<IssuedChallenge> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.challenges.insert({
      id: randomUUID(),
      tokenHash: sha256Hex(token),
      userId,
      purpose,
      passkeyCeremonyId,
      attempts: 0,
      expiresAt: now + CHALLENGE_TTL_SECONDS * 1000,
    });
    // Challenges nobody finished answer nothing: dropping them keeps the table small.
    await this.challenges.delete({ expiresAt: LessThan(now) });
    return { token, expiresIn: CHALLENGE_TTL_SECONDS };
  }

  /** The live challenge this token names (not expired, attempts left), else null. */
  find(token: string): Promise<SignInChallenge | null> {
    return this.challenges.findOneBy({
      tokenHash: sha256Hex(token),
      expiresAt: MoreThan(Date.now()),
      attempts: LessThan(CHALLENGE_MAX_ATTEMPTS),
    });
  }

  /** Counts a wrong answer; the challenge is deleted once it has none left. */
  async recordFailure(id: string): Promise<void> {
    await this.challenges.increment({ id }, 'attempts', 1);
    await this.challenges.delete({
      id,
      attempts: MoreThan(CHALLENGE_MAX_ATTEMPTS - 1),
    });
  }

  /**
   * Spends the challenge: one conditional DELETE, so of two requests racing with right answers
   * exactly one completes the sign-in. False when it was spent, expired or ran out meanwhile.
   */
  async consume(id: string): Promise<boolean> {
    const result = await this.challenges.delete({
      id,
      expiresAt: MoreThan(Date.now()),
      attempts: LessThanOrEqual(CHALLENGE_MAX_ATTEMPTS - 1),
    });
    return (result.affected ?? 0) === 1;
  }
}
