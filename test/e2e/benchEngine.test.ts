// bench:engine's arithmetic: the sizes it runs and the growth exponent it prints (the figures in
// docs/decisions.md, "Cell size", come from it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { benchSizes, growthExponent } from "../../e2e/engine/bench";

test("bench:engine runs 10, 30 and 60 databases by default, and the sizes asked for, ascending", () => {
    assert.deepEqual(benchSizes([], {}), [10, 30, 60]);
    assert.deepEqual(benchSizes(["--sizes", "100,10,30,30"], {}), [10, 30, 100]);
    assert.deepEqual(benchSizes([], { QDB_BENCH_ENGINE_SIZES: "5, 20" }), [5, 20]);
});

test("bench:engine refuses sizes that are not positive whole numbers, with the form to use", () => {
    assert.throws(() => benchSizes(["--sizes", "10,x"], {}), /got "10,x" \(e\.g\. npm run bench:engine -- --sizes 10,30,60,100\)/);
    assert.throws(() => benchSizes(["--sizes"], {}), /positive whole numbers/);
    assert.throws(() => benchSizes([], { QDB_BENCH_ENGINE_SIZES: "0,10" }), /got "0,10"/);
});

test("the growth exponent is k in t ~ n^k: linear is 1, quadratic 2, the issue's create figures about 1.5", () => {
    assert.equal(growthExponent(10, 5, 20, 10), 1);
    assert.equal(growthExponent(10, 5, 20, 20), 2);
    // Issue 23's measured creates: 31 s at 10, 145 s at 30, 552 s at 60.
    assert.equal(growthExponent(10, 31, 30, 145).toFixed(2), "1.40");
    assert.equal(growthExponent(30, 145, 60, 552).toFixed(2), "1.93");
});
