import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthModule } from '../auth/auth.module';
import { CognitoModule } from '../cognito/cognito.module';
import { Clock } from '../common/clock';
import { AccountHealthController } from './account-health.controller';
import { ScheduledRepair } from './scheduled-repair';
import { AccountHealthService } from './account-health.service';
import { AdminActionsService } from './admin-actions.service';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';
import { AdminView } from './admin-view';

/** The admin API under /admin: members of ADMIN_GROUP only. */
@Module({
  imports: [AccountsModule, AuthModule, CognitoModule],
  controllers: [AdminUsersController, AccountHealthController],
  providers: [
    AdminActionsService,
    AdminUsersService,
    AccountHealthService,
    ScheduledRepair,
    AdminView,
    Clock,
  ],
})
export class AdminModule {}
