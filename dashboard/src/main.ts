import { html, render } from "htm/preact";
import { createApi } from "./api.js";
import { App } from "./app.js";
import { readPageConfig } from "./config.js";

const config = readPageConfig();
const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(html`<${App} api=${createApi(config)} config=${config} />`, root);
}
