/** Awaiting a promise that must fail, to assert on the exact error it failed with. */

/** The error `p` rejects with; throws "expected a rejection" when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}
