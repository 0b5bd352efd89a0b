export { QUESTDB_DEPLOYMENT_TYPE, QuestDbDeployment, QuestDbDeploymentArgs } from "./questDbDeployment";
