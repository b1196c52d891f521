import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FreshAuthService } from './fresh-auth.service';
import { RecentAuthentication } from './recent-authentication.entity';

/** Global: every module with a sensitive action asks it, and every sign-in path records in it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RecentAuthentication])],
  providers: [FreshAuthService],
  exports: [FreshAuthService],
})
export class FreshAuthModule {}
