import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { RouteMetadata } from './route-metadata';

const Tag = Reflector.createDecorator<string>();

@Controller()
@Tag('class')
class Tagged {
  @Get('own')
  @Tag('method')
  own(): void {}

  @Get('inherited')
  inherited(): void {}
}

@Controller()
class Untagged {
  @Get('none')
  none(): void {}
}

function contextOf(controller: object, handler: () => void) {
  return new ExecutionContextHost([], controller as never, handler);
}

describe(RouteMetadata.name, () => {
  it('gives the method’s value, else the controller’s, else undefined', () => {
    const tags = new RouteMetadata(new Reflector(), Tag);
    expect(tags.of(contextOf(Tagged, Tagged.prototype.own))).toBe('method');
    expect(tags.of(contextOf(Tagged, Tagged.prototype.inherited))).toBe(
      'class',
    );
    expect(
      tags.of(contextOf(Untagged, Untagged.prototype.none)),
    ).toBeUndefined();
  });

  it('asks the reflector once per route, whatever the answer', () => {
    const reflector = new Reflector();
    const read = jest.spyOn(reflector, 'getAllAndOverride');
    const tags = new RouteMetadata(reflector, Tag);
    for (let i = 0; i < 3; i += 1) {
      expect(tags.of(contextOf(Tagged, Tagged.prototype.own))).toBe('method');
      expect(
        tags.of(contextOf(Untagged, Untagged.prototype.none)),
      ).toBeUndefined();
    }
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps one handler shared by two controllers apart', () => {
    const tags = new RouteMetadata(new Reflector(), Tag);
    const shared = Tagged.prototype.inherited;
    expect(tags.of(contextOf(Tagged, shared))).toBe('class');
    expect(tags.of(contextOf(Untagged, shared))).toBeUndefined();
  });
});
