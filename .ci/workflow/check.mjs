// Validates GitHub Actions workflows with GitHub's workflow parser (its
// schema, expressions and job model): node check.mjs FILE...
// Exit 1, printing each error with its place, when one is not valid.
import { readFileSync } from "node:fs";
import { register } from "node:module";

register("./json-hooks.mjs", import.meta.url);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");

let failed = false;
for (const name of process.argv.slice(2)) {
  const content = readFileSync(name, "utf8");
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = [...result.context.errors.getErrors()];
  if (result.value !== undefined && errors.length === 0) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []));
  }
  if (errors.length > 0) {
    failed = true;
    for (const e of errors) console.error(`${name}: ${e.message ?? e.Message ?? JSON.stringify(e)}`);
  } else {
    console.log(`${name}: valid`);
  }
}
process.exit(failed ? 1 : 0);
