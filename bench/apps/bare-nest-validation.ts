import { Body, Controller, Get, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsEmail, IsString, MaxLength } from 'class-validator';

/*
 * Bare NestJS + Fastify with Nest's ValidationPipe and one class-validator DTO, nothing else (no
 * guard, hook or filter): what a 400 for an invalid body costs in the framework and libraries the
 * design fixes, next to bare Nest's GET /health. A separate app, so that bare-nest.ts, the floor for
 * cold start and memory, loads nothing more than before.
 */

class EmailDto {
  @IsString()
  @MaxLength(246)
  @IsEmail()
  email!: string;
}

@Controller()
class EmailController {
  /** What the bench polls to know the app is up. */
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Post('email')
  @HttpCode(202)
  email(@Body() body: EmailDto): { message: string } {
    return { message: `accepted: ${body.email}` };
  }
}

@Module({ controllers: [EmailController] })
class BareValidationModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareValidationModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
