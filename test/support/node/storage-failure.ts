/**
 * What an uploader's failed call threw: the test fails unless it is a StorageFailure (src/delivery), whose reason
 * and storage code the test then checks.
 * @module
 */
import { expect } from "vitest";
import { StorageFailure } from "../../../src/delivery/storage-failure.js";

export async function failureOf(promise: Promise<unknown>): Promise<StorageFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StorageFailure);
  return error as StorageFailure;
}
