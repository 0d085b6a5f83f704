import { Body, Controller, ExecutionContext, Param, Post, Query } from '@nestjs/common';
import { IsInt, IsString, IsUUID, Max } from 'class-validator';
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

class IdDto {
  @IsUUID('4')
  id!: string;
}

@Controller('things')
class ThingsController {
  @Post(':id')
  update(@Param() { id }: IdDto, @Query() page: PageDto, @Body() body: NameDto): string {
    return `${id} ${page.limit} ${body.name}`;
  }
}

/** The context a guard sees for ThingsController.update, with this request. */
function contextOf(request: object): ExecutionContext {
  return {
    getClass: () => ThingsController,
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the handler as Nest hands it to guards
    getHandler: () => ThingsController.prototype.update,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const ID = '0b6a4c9e-3f1d-4c8a-9e2b-7d5f1a3c6e80';

/**
 * RouteArguments reads Nest's route metadata (an internal, not public API): these fail when Nest
 * changes how it keeps a handler's @Body(), @Query() and @Param().
 */
describe('RouteArguments: a route’s arguments checked as its handler declares them', () => {
  const checked = new RouteArguments(validationPipe);
  const valid = { params: { id: ID }, query: { limit: '5' }, body: { name: 'ok' } };

  it('passes a request the handler would accept', async () => {
    await expect(checked.validate(contextOf(valid))).resolves.toBeUndefined();
  });

  it.each([
    ['an invalid body', { ...valid, body: { name: 42 } }],
    ['an unknown body field', { ...valid, body: { name: 'ok', admin: true } }],
    ['no body', { ...valid, body: undefined }],
    ['a query out of range', { ...valid, query: { limit: '1000' } }],
    ['a path parameter that is not a UUID', { ...valid, params: { id: 'x' } }],
  ])('refuses %s with the pipe’s 400', async (_what, request) => {
    await expect(checked.validate(contextOf(request))).rejects.toMatchObject({ status: 400 });
  });

  it('leaves the request as it was (the pipes transform it later)', async () => {
    const request = structuredClone(valid);
    await checked.validate(contextOf(request));
    expect(request).toEqual(valid);
  });
});
