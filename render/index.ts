export * from "./types";
export { renderInChild, RenderError } from "./child";
export { requestFromStackFile, OFFLINE_SECRET } from "./request";
export { ChangeKind, ResourceChange, changedPaths, diffRenders } from "./diff";
