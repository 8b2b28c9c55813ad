// The host side of MCP Apps for the browser test, built on the SDK's own
// AppBridge: it loads a view into a sandboxed iframe (as chat clients do,
// without same-origin), answers its ui/initialize, and hands it the tool's
// arguments and result.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

window.showView = async ({ html, toolInput, toolResult }) => {
  const iframe = document.createElement("iframe");
  iframe.sandbox = "allow-scripts";
  iframe.title = "MCP App view";
  iframe.style.cssText = "width: 860px; height: 420px; border: 1px solid #d0d7de; border-radius: 8px";
  document.body.appendChild(iframe);

  const bridge = new AppBridge(null, { name: "fleetmcp test host", version: "1.0.0" }, {});
  const initialized = new Promise((resolve) => {
    bridge.oninitialized = resolve;
  });
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${Math.ceil(height)}px`;
  };
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  iframe.srcdoc = html;
  await initialized;
  await bridge.sendToolInput({ arguments: toolInput });
  await bridge.sendToolResult(toolResult);
};
