/**
 * Mutual exclusion for the client's two critical sections: changing the queue ("state") and having a request
 * in flight ("send"). Within one process an async mutex; for a storage that browser tabs share, also a Web Lock
 * of the storage's name, so every tab of a device takes sequence numbers from one counter and only one of them
 * sends at a time. The order is always send, then state.
 * @module
 */

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

/** An exclusive section named `name` of the storage `sharedName` (Web Locks when both exist). */
export function exclusiveSection(sharedName: string | undefined, name: string): Exclusive {
  const local = asyncMutex();
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (sharedName === undefined || locks === undefined) return local;
  return (work) => local(() => locks.request(`${sharedName}:${name}`, work));
}

function asyncMutex(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };
}
