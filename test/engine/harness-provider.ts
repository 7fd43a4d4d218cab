/**
 * The `__provider` text exactly as a real `pulumi up` would send it: captured from the inputs a
 * resource registers under `pulumi.runtime.setMocks` (the real serializer runs; contract §4).
 */
import * as pulumi from "@pulumi/pulumi";
import { DeadlineError } from "../../provider/internal/errors";

/**
 * Runs `register` (which constructs one dynamic resource) under mocks and resolves with the
 * `__provider` string it registered. Serialization failures only surface as unhandled rejections
 * and a resource that never registers (contract §4), so this has a deadline and reports them.
 */
export async function capturedProvider(register: () => void, timeoutMs = 15000): Promise<string> {
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on("unhandledRejection", onRejection);
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        const why = rejections.length ? ` (${String((rejections[0] as Error)?.message ?? rejections[0])})` : "";
        reject(new DeadlineError(`the resource to register with a serialized __provider${why}`, timeoutMs));
      }, timeoutMs);
      pulumi.runtime.setMocks(
        {
          newResource(args) {
            const text = args.inputs.__provider;
            if (typeof text === "string") {
              clearTimeout(timer);
              resolve(text);
            }
            return { id: `${args.name}-id`, state: args.inputs };
          },
          call: (args) => args.inputs,
        },
        "project",
        "stack",
        false,
      );
      register();
    });
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

/**
 * Constructs one resource under mocks; resolves with its URN and the inputs the mock monitor received
 * (a secret input arrives as the engine's signature object, `__provider` as its serialized text).
 */
export async function registeredInputs(
  make: () => pulumi.Resource,
): Promise<{ urn: string; inputs: Record<string, unknown> }> {
  let inputs: Record<string, unknown> = {};
  pulumi.runtime.setMocks(
    { newResource: (a) => ((inputs = a.inputs), { id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
    "project",
    "stack",
    false,
  );
  const urn = await new Promise<string>((res) => make().urn.apply(res));
  return { urn, inputs };
}

/** A serialized provider is the thin shim that forwards to the runtime (DESIGN.md #1), well under 4 KiB. */
export function isThinShim(provider: string): boolean {
  return provider.includes('dispatch(resourceModule, "create", inputs)') && provider.length < 4096;
}
