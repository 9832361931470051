/**
 * A CallableTool (the SDK's interface for automatic function calling): `tool()` declares it,
 * `callTool()` answers the model's function calls. It records what it was asked.
 */
export function weatherTool(calls: unknown[] = []) {
  return {
    calls,
    tool: async () => ({
      functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { location: { type: 'STRING' } } } }],
    }),
    callTool: async (functionCalls: { name: string; args: unknown }[]) => {
      calls.push(...functionCalls);
      return functionCalls.map((c) => ({ functionResponse: { name: c.name, response: { forecast: 'sunny' } } }));
    },
  };
}
