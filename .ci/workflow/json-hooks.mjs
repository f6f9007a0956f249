// The parser's package imports its JSON schema without an import attribute
// (it is built for bundlers); Node needs { type: "json" }: add it.
export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  }
  return nextLoad(url, context);
}
