// Reads a JSON array of strings on stdin and writes, for each, the app's
// normalised plate and whether it is valid: the Go test compares them with
// models.NormalizePlate and models.ValidPlate. Not a node --test file.
import { normalizePlate, validPlate } from "../../../../static/js/oficial/queue.js";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((s) => {
    const n = normalizePlate(s);
    return { n, ok: validPlate(n) };
  });
  process.stdout.write(JSON.stringify(out));
});
