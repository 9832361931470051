/**
 * One compact behaviour check per supported version of an OpenAI-format vendor SDK (groq-sdk, together-ai): the older
 * points of its declared range, installed by test/support/sdk-versions.mjs into the git-ignored test/.sdk/, and the
 * repo's own devDependency. Each copy is loaded through a require created inside its own folder AFTER the harness
 * exists, so the require hook patches that copy, as in an app (test/support/sdk-matrix.ts).
 *
 * CI must be able to install the versions (npm registry access): run `node test/support/sdk-versions.mjs` first, or
 * let the suite do it; without the registry the suite fails with the installer's message.
 */
import { beforeAll, describe, expect } from 'vitest';
import { expectTokenTotals, onlySpan, pointCount } from '../../support/helpers';
import { useSdkMatrix } from '../../support/sdk-matrix';
import type { StandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';

export interface VersionSpec {
  module: string;
  provider: string;
  /** The client class as the version exports it. */
  client(sdk: any, standIn: StandIn): any;
  chatModel: string;
  stopReason: string;
}

const messages = [{ role: 'user', content: 'tell me about tokens please' }];

export function describeSdkVersions(spec: VersionSpec): void {
  const bed = useTestbed();
  const matrix = useSdkMatrix(bed, spec.module);

  describe.each(matrix.entries)(`${spec.module} $version ($source)`, (entry) => {
    let client: any;
    const check = matrix.check(entry.version);
    beforeAll(() => {
      client = spec.client(matrix.load(entry).exports, bed.standIn);
    });

    check('meters a chat completion: one span, the provider, exact token points', async () => {
      const r = await client.chat.completions.create({ model: spec.chatModel, messages });
      const span = await onlySpan(bed.h);
      expect(span.name).toBe(`chat ${spec.chatModel}`);
      expect(span.attributes['gen_ai.provider.name']).toBe(spec.provider);
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual([spec.stopReason]);
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(r.usage.prompt_tokens);
      await expectTokenTotals(bed.h, { input: r.usage.prompt_tokens, output: r.usage.completion_tokens });
    });

    check('meters a consumed stream with the usage it states, in one span', async () => {
      const stream = await client.chat.completions.create({ model: spec.chatModel, messages, stream: true });
      let chunks = 0;
      for await (const _ of stream) chunks++;
      expect(chunks).toBeGreaterThan(2);
      const span = await onlySpan(bed.h);
      const usage = bed.standIn.served[0].usage!;
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(usage.completion_tokens);
      expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(1);
    });
  });
}
