// Bundles host.js (the AppBridge and its SDK) into one HTML page for the browser.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export async function hostPage() {
  const bundled = await build({
    entryPoints: [join(here, "host.js")],
    bundle: true,
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "warning",
  });
  const script = bundled.outputFiles[0].text.replaceAll("</script", "<\\/script");
  return `<!doctype html><html><head><meta charset="utf-8"><title>MCP Apps test host</title></head>
<body style="margin: 16px; font-family: sans-serif; background: #fff">
<script type="module">${script}</script></body></html>`;
}
