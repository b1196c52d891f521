import { Reflector } from '@nestjs/core';

export const PublicMetadata = Reflector.createDecorator<true>();

/** Marks a route as deliberately open to anyone (login, register, health). */
export const Public = () => PublicMetadata(true);
