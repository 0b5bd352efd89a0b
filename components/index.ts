export { FLEET_MONITORING_TYPE, FleetMonitoring, FleetMonitoringArgs } from "./fleetMonitoring";
export { QUESTDB_DEPLOYMENT_TYPE, QuestDbDeployment, QuestDbDeploymentArgs } from "./questDbDeployment";
export { REGION_BACKUPS_TYPE, RegionBackups, RegionBackupsArgs } from "./regionBackups";
export { REGION_GATEWAY_TYPE, RegionGateway, RegionGatewayArgs } from "./regionGateway";
