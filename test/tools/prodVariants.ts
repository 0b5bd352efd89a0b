import * as fs from "node:fs";
import * as path from "node:path";
import { YAMLMap, YAMLSeq, parseDocument } from "yaml";
import { shippedStackFile } from "../support/stacks";

/** The shipped prod stack file's text: the base every variant edits. */
export const PROD_TEXT = fs.readFileSync(shippedStackFile("prod").path, "utf8");

export type EditDatabases = (dbs: YAMLSeq<YAMLMap>, at: (id: string) => YAMLMap) => void;

/**
 * Writes edited copies of the prod stack file under `dir`, comments kept: `variant(name, edit)`
 * returns the path of `<dir>/<name>/Pulumi.prod.yaml`.
 */
export function prodVariants(dir: string): (name: string, edit: EditDatabases) => string {
    return (name, edit) => {
        const doc = parseDocument(PROD_TEXT);
        const dbs = doc.getIn(["config", "questdb-cloud:databases"]) as YAMLSeq<YAMLMap>;
        edit(dbs, (id) => dbs.items.find((m) => m.get("id") === id) as YAMLMap);
        const file = path.join(dir, name, "Pulumi.prod.yaml");
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, doc.toString());
        return file;
    };
}
