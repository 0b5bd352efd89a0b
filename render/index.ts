export * from "./types";
export { LoggedRender, RenderError, renderInChild, renderInChildWithLogs } from "./child";
export { requestFromStackFile, OFFLINE_SECRET } from "./request";
export { ChangeKind, ResourceChange, changedPaths, diffRenders } from "./diff";
