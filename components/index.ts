export { FLEET_MONITORING_TYPE, FleetMonitoring, FleetMonitoringArgs } from "./fleetMonitoring";
export { QUESTDB_DEPLOYMENT_TYPE, QuestDbDeployment, QuestDbDeploymentArgs } from "./questDbDeployment";
export { RESTORE_DRILLS_TYPE, RestoreDrills, RestoreDrillsArgs } from "./restoreDrills";
export { REGION_GATEWAY_TYPE, RegionGateway, RegionGatewayArgs } from "./regionGateway";
export { PUSHGATEWAY_TYPE, Pushgateway, PushgatewayArgs, PushTarget, hasPushgateway } from "./pushgateway";
export { KARPENTER_NODE_CLASSES_TYPE, KarpenterNodeClasses, KarpenterNodeClassesArgs, karpenterNodeImages, nodeImageKey } from "./karpenterNodeClasses";
