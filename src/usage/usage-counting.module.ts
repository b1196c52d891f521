// What @Auth needs to count requests in any module: the guard and the in-memory counter it adds
// to (UsageModule's UsageService writes the counter out). Global, and apart from UsageModule:
// global modules shut down last, after the database, and UsageService must flush first.
import { Global, Module } from '@nestjs/common';
import { UsageCounter } from './usage-counter';
import { UsageGuard } from './usage.guard';

@Global()
@Module({
  providers: [UsageCounter, UsageGuard],
  exports: [UsageCounter, UsageGuard],
})
export class UsageCountingModule {}
