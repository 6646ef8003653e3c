/** The message of the error `fn` throws, which must be a `type`; fails the test when it throws nothing. */
import { expect } from 'vitest';

export function thrownMessage(fn: () => unknown, type: abstract new (...args: never[]) => Error): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return (error as Error).message;
  }
  throw new Error(`expected a ${type.name}`);
}
