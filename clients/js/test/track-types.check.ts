/**
 * Compile-time checks of `track`'s type (typechecked by `tsc -p clients/js`, never run): what the server's
 * schema accepts compiles, a wrong value, a missing mandatory field or a misspelt field name does not, and the
 * generated types are exactly z.input of the server's schemas less the top-level index signature.
 * @module
 */
import type { z } from "zod";
import type { clientEventSchema } from "../../../src/core/events/schemas/events.js";
import type { AudiogumClient } from "../src/client.js";
import type { AudiogumEvent } from "../src/events.js";

declare const client: AudiogumClient;

void client.track({ type: "navigationevent", targetpage: "home" });
void client.track({ type: "authevent", action: "signin", provider: "facebook", initiator: "user" });
void client.track({
  type: "playevent",
  action: "begin",
  source: "playable",
  playable: {
    id: "f75d65fe39814a659af67ceb5853efc0",
    userid: "b746b99cdb99455bbd0dfcfe2c5152b4",
    parameters: { type: "dynamicplaylist", variant: "taste" },
  },
  item: { name: "Superstylin'", playbackcodec: "FLAC", artists: [{ name: "Groove Armada" }] },
  offset: 0,
});
void client.track({ type: "profileevent", action: "like", target: "artist", artist: { name: "Muse" } });
void client.track({ type: "voiceevent", action: "failure", stoppedby: "server", ref: "r", connection: "cellular" });
void client.track({
  type: "appstartevent",
  locale: { country: "DE", language: "de-DE" },
  localtime: "2016-07-26T08:45:55+01:00",
});

// @ts-expect-error an action of another type
void client.track({ type: "authevent", action: "like" });
// @ts-expect-error a mandatory field missing
void client.track({ type: "voiceevent", action: "success", ref: "r" });
// @ts-expect-error a misspelt field
void client.track({ type: "navigationevent", targetpag: "home" });
// @ts-expect-error a Long as a string
void client.track({ type: "playevent", action: "seek", source: "aux", offset: "12" });
// @ts-expect-error the client numbers events itself
void client.track({ type: "navigationevent", sequencenumber: 7 });
// @ts-expect-error a connection the document does not list
void client.track({ type: "navigationevent", connection: "wifi" });

type ServerEvent = z.input<typeof clientEventSchema>;
type WithoutIndexSignature<T> = T extends unknown ? { [K in keyof T as string extends K ? never : K]: T[K] } : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const generatedMatchesServer: Same<AudiogumEvent, WithoutIndexSignature<ServerEvent>> = true;
void generatedMatchesServer;
