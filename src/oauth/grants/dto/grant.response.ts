import { ApiProperty } from '@nestjs/swagger';
import { ScopeDescription } from '../../interactions/dto/interaction.response';

/** An application the user allowed: one consent (grant) per application. */
export class ConnectedAppResponse {
  @ApiProperty() grant_id!: string;
  @ApiProperty() client_id!: string;
  @ApiProperty() client_name!: string;
  @ApiProperty({ type: [ScopeDescription] }) scopes!: ScopeDescription[];
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}
