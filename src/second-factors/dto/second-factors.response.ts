import { ApiProperty } from '@nestjs/swagger';
import type { SecondFactorsStatus } from '../second-factors.service';
import type { TotpEnrolment } from '../totp/totp.service';

export class TotpStatusResponse {
  @ApiProperty({
    description: 'A confirmed authenticator: sign-in asks for a code',
  })
  enabled!: boolean;

  @ApiProperty({ description: 'An enrolment waits for its first code' })
  pending!: boolean;
}

export class RecoveryCodesStatusResponse {
  @ApiProperty({ example: 10, description: 'Unused recovery codes' })
  remaining!: number;
}

export class SecondFactorsResponse {
  @ApiProperty({ type: TotpStatusResponse })
  totp!: TotpStatusResponse;

  @ApiProperty({ type: RecoveryCodesStatusResponse })
  recovery_codes!: RecoveryCodesStatusResponse;
}

export class TotpEnrolmentResponse {
  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    description: 'The base32 secret, for typing into an app that cannot scan',
  })
  secret!: string;

  @ApiProperty({
    example:
      'otpauth://totp/auth.example.com:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=auth.example.com',
  })
  otpauth_uri!: string;

  @ApiProperty({
    example: 'data:image/png;base64,iVBORw0KGgo…',
    description: 'The otpauth URI as a QR code: a PNG data URL',
  })
  qr_code!: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({
    type: [String],
    example: ['4k7mz-q2c9x', 'h3vbn-8wt0e'],
    description:
      'Ten single-use codes, shown this once: each replaces a TOTP code once. Case, dashes and spaces do not matter.',
  })
  recovery_codes!: string[];
}

export function toSecondFactorsResponse(
  status: SecondFactorsStatus,
): SecondFactorsResponse {
  return {
    totp: { enabled: status.totp.enabled, pending: status.totp.pending },
    recovery_codes: { remaining: status.recoveryCodesRemaining },
  };
}

export function toTotpEnrolmentResponse(
  enrolment: TotpEnrolment,
): TotpEnrolmentResponse {
  return {
    secret: enrolment.secret,
    otpauth_uri: enrolment.otpauthUri,
    qr_code: enrolment.qrCode,
  };
}
