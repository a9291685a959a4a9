// Validates deploy/k8s/*.yaml against the Kubernetes OpenAPI schemas, with the npm packages
// kubernetes-models (built-in kinds) and @kubernetes-models/prometheus-operator (PodMonitor).
// Run by scripts/deploy-check from a directory where those packages and `yaml` are installed:
//   node scripts/k8s-validate.mjs NODE_MODULES_DIR deploy/k8s/*.yaml
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
const root = path.resolve(modules);
const require = createRequire(path.join(root, "noop.js"));
const YAML = require("yaml");
// The models are ES modules without a "require" export: import them by file.
const load = async (pkg, group, kind) =>
  (await import(pathToFileURL(path.join(root, pkg, group, "index.js")).href))[kind];
const kinds = {
  "apps/v1/Deployment": () => load("kubernetes-models", "apps/v1", "Deployment"),
  "v1/ConfigMap": () => load("kubernetes-models", "v1", "ConfigMap"),
  "v1/Secret": () => load("kubernetes-models", "v1", "Secret"),
  "v1/Service": () => load("kubernetes-models", "v1", "Service"),
  "policy/v1/PodDisruptionBudget": () =>
    load("kubernetes-models", "policy/v1", "PodDisruptionBudget"),
  "autoscaling/v2/HorizontalPodAutoscaler": () =>
    load("kubernetes-models", "autoscaling/v2", "HorizontalPodAutoscaler"),
  "monitoring.coreos.com/v1/PodMonitor": () =>
    load("@kubernetes-models/prometheus-operator", "monitoring.coreos.com/v1", "PodMonitor"),
};
let failed = 0;
for (const file of files) {
  for (const doc of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
    const object = doc.toJS();
    if (!object) continue;
    const key = `${object.apiVersion}/${object.kind}`;
    const model = kinds[key];
    if (!model) {
      console.error(`${file}: no schema known for ${key}`);
      failed++;
      continue;
    }
    try {
      const Model = await model();
      new Model(object).validate();
      console.log(`${file}: ${key} ${object.metadata.name} valid`);
    } catch (e) {
      console.error(`${file}: ${key} invalid: ${e.message}`);
      failed++;
    }
  }
}
process.exit(failed ? 1 : 0);
