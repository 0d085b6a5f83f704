import { Body, Controller, ExecutionContext, Param, Post, Query } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { IsInt, IsString, Max } from 'class-validator';
import { Type } from 'class-transformer';
import { RouteArguments } from './route-arguments';
import { validationPipe } from './validation';

class NameDto {
  @IsString()
  name!: string;
}

class PageDto {
  @Type(() => Number)
  @IsInt()
  @Max(100)
  limit!: number;
}

@Controller('things')
class ThingsController {
  @Post(':id')
  update(@Param('id') id: string, @Query() page: PageDto, @Body() body: NameDto): string {
    return `${id} ${page.limit} ${body.name}`;
  }
}

/** The context a guard sees for ThingsController.update, with this request. */
function contextOf(request: object): ExecutionContext {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the handler as Nest hands it to guards
  return new ExecutionContextHost([request], ThingsController, ThingsController.prototype.update);
}

describe('RouteArguments: a route’s arguments checked as its handler declares them', () => {
  const checked = new RouteArguments(validationPipe);
  const valid = { params: { id: 'x' }, query: { limit: '5' }, body: { name: 'ok' } };

  it('passes a request the handler would accept', async () => {
    await expect(checked.validate(contextOf(valid))).resolves.toBeUndefined();
  });

  it.each([
    ['an invalid body', { ...valid, body: { name: 42 } }],
    ['an unknown body field', { ...valid, body: { name: 'ok', admin: true } }],
    ['a query out of range', { ...valid, query: { limit: '1000' } }],
    ['no body', { ...valid, body: undefined }],
  ])('refuses %s with the pipe’s 400', async (_what, request) => {
    await expect(checked.validate(contextOf(request))).rejects.toMatchObject({ status: 400 });
  });

  it('leaves the request as it was (the pipes transform it later)', async () => {
    const request = { params: { id: 'x' }, query: { limit: '5' }, body: { name: 'ok' } };
    await checked.validate(contextOf(request));
    expect(request).toEqual({ params: { id: 'x' }, query: { limit: '5' }, body: { name: 'ok' } });
  });
});
