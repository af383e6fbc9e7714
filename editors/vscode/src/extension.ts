// Starts `samcheck server` from the configured Python and hands it YAML and JSON documents; the
// server decides which of them are templates. Everything else (diagnostics, quick fixes, hover)
// is the server's, so its behaviour is tested through the server itself.
import { execFileSync } from "child_process";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

async function interpreter(): Promise<string> {
  const configured = vscode.workspace.getConfiguration("samcheck").get<string>("interpreter");
  if (configured) {
    return configured;
  }
  const python = vscode.extensions.getExtension("ms-python.python");
  if (python) {
    const api = await python.activate();
    const path: string[] | undefined = api?.settings?.getExecutionDetails?.()?.execCommand;
    if (path && path.length > 0) {
      return path[0];
    }
  }
  return process.platform === "win32" ? "python" : "python3";
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const python = await interpreter();
  try {
    execFileSync(python, ["-c", "import samcheck.server"], { stdio: "ignore" });
  } catch {
    void vscode.window.showErrorMessage(
      `samcheck: ${python} cannot import samcheck; install it there (pip install samcheck) or set samcheck.interpreter.`
    );
    return;
  }
  const server: ServerOptions = { command: python, args: ["-m", "samcheck", "server"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
      { scheme: "file", pattern: "**/*.template" },
    ],
    synchronize: { configurationSection: "samcheck" },
  };
  client = new LanguageClient("samcheck", "samcheck", server, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
