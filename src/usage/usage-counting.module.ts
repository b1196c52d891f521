// What @Auth's UsageGuard needs in any module: the in-memory counter it adds to (UsageModule's
// UsageService writes it out). Nest builds a guard named in @UseGuards in each module that uses
// it, from what that module can see; hence global, and apart from UsageModule: global modules
// shut down last, after the database, and UsageService must flush first.
import { Global, Module } from '@nestjs/common';
import { UsageCounter } from './usage-counter';

@Global()
@Module({
  providers: [UsageCounter],
  exports: [UsageCounter],
})
export class UsageCountingModule {}
