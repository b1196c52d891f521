import { ApiProperty } from '@nestjs/swagger';

export class ScopeDescription {
  @ApiProperty({ example: 'data:read' }) name!: string;
  @ApiProperty({
    description: 'What the scope lets the application do, in the user’s terms',
  })
  description!: string;
}

class InteractionClient {
  @ApiProperty() client_id!: string;
  @ApiProperty() client_name!: string;
}

class InteractionUser {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
}

export class InteractionDetailsResponse {
  @ApiProperty() uid!: string;
  @ApiProperty({
    enum: ['login', 'consent'],
    description: 'login: confirm who is signing in; consent: allow the scopes',
  })
  prompt!: 'login' | 'consent';
  @ApiProperty({ type: InteractionClient }) client!: InteractionClient;
  @ApiProperty({ type: [ScopeDescription] }) scopes!: ScopeDescription[];
  @ApiProperty({
    type: InteractionUser,
    nullable: true,
    description: 'Who this browser is signed in to the console as',
  })
  user!: InteractionUser | null;
}

export class InteractionRedirectResponse {
  @ApiProperty({
    description:
      'Where the browser goes next (the flow continues on the server)',
  })
  redirectTo!: string;
}
