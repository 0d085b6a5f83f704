import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Admission } from '../../admission/admission.decorator';
import { Access } from '../../auth/access.decorator';
import { ApiErrorResponses } from '../../common/api-responses';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';
import { AcceptedResponseDto } from '../dto/accepted-response.dto';
import { CompleteSignupDto, CompleteSignupResponseDto } from './dto/complete-signup.dto';
import { ResendActivationDto, SignupDto } from './dto/signup.dto';
import { ActivationService } from './activation.service';
import { SignupService } from './signup.service';

@ApiTags('signup')
@Access({ who: 'anyone' })
@RateLimit('public')
@Controller('accounts')
export class SignupController {
  constructor(
    private readonly signups: SignupService,
    private readonly activations: ActivationService,
  ) {}

  /**
   * Sign up with an email address. Sends an activation link to a new or not yet activated address,
   * and a reminder to sign in to an address that already has an account; answers the same either way.
   */
  @Post('signup')
  @Admission()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiErrorResponses(400, 503)
  signup(@Body() body: SignupDto): Promise<AcceptedResponseDto> {
    return this.signups.signup(body.email, body.locale);
  }

  /** Send the activation email again (a further link; earlier links keep working). Same rules and answer as signup. */
  @Post('signup/resend')
  @Admission()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiErrorResponses(400, 503)
  resendActivation(@Body() body: ResendActivationDto): Promise<AcceptedResponseDto> {
    return this.signups.resendActivation(body.email);
  }

  /**
   * Activate an account from its activation link by choosing a password. Afterwards the user signs in
   * through the frontend app client. An unusable link answers 400 with code INVALID_ACTIVATION_LINK;
   * a password the pool rejects answers 400 with code INVALID_PASSWORD, and the link stays usable.
   * 409 EMAIL_TAKEN when another account has just confirmed a change to the invitation's address
   * (the link's holder reads that mailbox, so the answer tells nobody else anything).
   */
  @Post('signup/complete')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(400, 409, 503)
  completeSignup(@Body() body: CompleteSignupDto): Promise<CompleteSignupResponseDto> {
    return this.activations.completeSignup(body.username, body.token, body.password);
  }
}
