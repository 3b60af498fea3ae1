"""Under Targets: where the gap between normalize + load and the straight insert goes."""

from __future__ import annotations

from typing import Any

from bench.gap import DESCRIPTIONS
from bench.report.figures import NORMALIZE_LOAD_LIMIT, sizes_of
from bench.report.format import div, ratio, secs, table
from bench.report.prose import prose


def largest_gap(results: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    found = [(s, e["gap"]) for s, e in sizes_of(results) if (e.get("gap") or {}).get("ok")]
    return found[-1] if found else None


def why_gap(results: dict[str, Any]) -> list[str]:
    lines = ["### Normalize + load beside the straight insert: where the gap goes", ""]
    found = largest_gap(results)
    if not found:
        return [*lines, "The gap experiment did not run (`--no-lower-bound`).", ""]
    size, gap = found
    v, direct = gap["variants"], gap["direct"]["best_s"]

    def nl(key: str) -> float:
        return v[key]["normalize_s"] + v[key]["load_s"]

    p = v["pipeline"]
    total = nl("pipeline")
    child_rows = sum(n for t, n in p["rows"].items() if t != "raw_issues")
    issue_rows = p["rows"].get("raw_issues", gap["rows"])
    # One cause at a time: each pair of variants differs in that cause only.
    causes = {
        "the row-wise normalizer": nl("no_child") - nl("arrow_merge"),
        "the child table": total - nl("no_child"),
        "the merge through a staging dataset": total - nl("append"),
    }

    def share(seconds: float) -> str:
        return f"{seconds:+.2f} s, {seconds / total:+.0%} of {secs(total)} s" if total else "–"

    ranked = sorted(causes.items(), key=lambda kv: kv[1], reverse=True)
    lines += prose(
        "targets",
        "gap",
        size=size,
        rows=f"{gap['rows']:,}",
        rounds=gap.get("rounds", 1),
        direct=secs(direct, 3),
        read_json=secs(gap["direct"]["read_json_s"], 3),
        arrow_insert=secs(gap["direct"]["arrow_insert_s"], 3),
        arrow_build=secs(gap["direct"]["arrow_build_s"], 3),
        normalize=secs(p["normalize_s"]),
        load=secs(p["load_s"]),
        total=secs(total),
        total_ratio=ratio(div(total, direct)),
        normalizer=share(causes["the row-wise normalizer"]),
        normalize_dicts=secs(v["no_child"]["normalize_s"]),
        normalize_arrow=secs(v["arrow_merge"]["normalize_s"]),
        arrow_build_cost=secs(v["arrow_merge"]["build_s"]),
        child_table=share(causes["the child table"]),
        child_rows=f"{child_rows:,}",
        issue_rows=f"{issue_rows:,}",
        merge=share(causes["the merge through a staging dataset"]),
        append_load=secs(v["append"]["load_s"]),
        ranked="; ".join(f"{name} {secs(t)} s" for name, t in ranked),
        bare=secs(nl("arrow_append")),
        bare_ratio=ratio(div(nl("arrow_append"), direct)),
    )
    lines.append("")
    headers = [
        "variant",
        "tables",
        "rows written",
        "build s",
        "normalize s",
        "load s",
        "normalize + load s",
        "vs straight insert",
        "each round s",
    ]
    rows = [
        [
            f"`{key}`: {DESCRIPTIONS.get(key, key)}",
            len(x["rows"]),
            sum(x["rows"].values()),
            secs(x["build_s"]) if x["build_s"] else "–",
            secs(x["normalize_s"]),
            secs(x["load_s"]),
            secs(nl(key)),
            ratio(div(nl(key), direct)),
            " / ".join(secs(t) for t in x.get("rounds_s", [])) or "–",
        ]
        for key, x in v.items()
    ]
    rows.append(
        [
            "straight insert (best of `read_json` and Arrow)",
            1,
            gap["rows"],
            "–",
            "–",
            "–",
            secs(direct, 3),
            ratio(1.0),
            "–",
        ]
    )
    lines += table(headers, rows)
    both = div(nl("arrow_append"), direct)
    lines += [
        "",
        *prose(
            "targets",
            "gap_remedy",
            arrow_ratio=ratio(div(nl("arrow_merge"), direct)),
            append_ratio=ratio(div(nl("append"), direct)),
            both_ratio=ratio(both),
            within_target=(both or 99) <= NORMALIZE_LOAD_LIMIT,
        ),
        "",
    ]
    return lines
