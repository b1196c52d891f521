import { ApiProperty } from '@nestjs/swagger';

/** The answer of a route that sends mail: what happens next, in words. */
export class MessageResponse {
  @ApiProperty() message!: string;
}
