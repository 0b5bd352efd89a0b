export * from "./types";
export { renderInChild, RenderError } from "./child";
export { requestFromStackFile, OFFLINE_SECRET } from "./request";
