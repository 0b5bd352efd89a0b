export * from "./types";
export { LoggedRender, RenderError, renderInChild, renderInChildWithLogs } from "./child";
export { requestFromStackFile, OFFLINE_SECRET } from "./request";
export { ChangeKind, LeafChange, ResourceChange, changedLeaves, changedPaths, describeLeaf, diffRenders } from "./diff";
