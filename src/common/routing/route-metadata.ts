import type { ExecutionContext } from '@nestjs/common';
import type { ReflectableDecorator, Reflector } from '@nestjs/core';

interface Cached<T> {
  readonly value: T | undefined;
}

/**
 * A decorator's value on the route a request reached: the method's, else its controller's
 * (`Reflector.getAllAndOverride`), read once per route. Decorators run when classes are
 * defined, so a route's metadata never changes once the app serves; reading it through
 * reflect-metadata on every request showed in the guards' profiles.
 */
export class RouteMetadata<T> {
  private readonly byHandler = new WeakMap<
    object,
    WeakMap<object, Cached<T>>
  >();

  constructor(
    private readonly reflector: Reflector,
    private readonly decorator: ReflectableDecorator<T>,
  ) {}

  of(context: ExecutionContext): T | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byController = this.byHandler.get(handler);
    if (!byController) {
      byController = new WeakMap();
      this.byHandler.set(handler, byController);
    }
    let cached = byController.get(controller);
    if (!cached) {
      cached = {
        value: this.reflector.getAllAndOverride(this.decorator, [
          handler,
          controller,
        ]),
      };
      byController.set(controller, cached);
    }
    return cached.value;
  }
}
