import { ApiProperty } from '@nestjs/swagger';

export class AuthProviderResponse {
  @ApiProperty({
    example: 'github',
    description: 'The name in /api/auth/providers/{name}/start',
  })
  name!: string;

  @ApiProperty({ example: 'GitHub', description: 'For "Sign in with …"' })
  display_name!: string;
}
