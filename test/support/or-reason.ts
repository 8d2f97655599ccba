/**
 * An adapter or parser that throws a DomainError for what it cannot read, as a function that
 * returns the error's message instead, so a unit test can look at the reason as a value.
 */
import { DomainError } from '../../main/server/errors';

export function orReason<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | string {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof DomainError) return err.message;
      throw err;
    }
  };
}
