/**
 * The one name an erased user keeps: the hex SHA-256 of their userid, in the erasure's audit record and the
 * suppression list, so neither holds the id itself.
 * @module
 */

export async function useridHash(userid: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(userid));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
