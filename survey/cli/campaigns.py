"""`survey campaigns`: create, draw, follow and estimate a sample-survey campaign (methodology §7)."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from survey.cli.common import actor, transactional
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import estimates, manage, progress

QUESTIONNAIRE_COLUMNS = ("questionnaire", "commune_code", "village_code", "village_probability",
                         "person_probability", "status", "link")


@click.group("campaigns")
def campaigns_group() -> None:
    """Probability-sample surveys the Ministry's way, with design-based estimates."""


@campaigns_group.command("create")
@click.option("--code", required=True)
@click.option("--province", required=True)
@click.option("--instrument", required=True)
@click.option("--version", type=int, default=None)
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--villages-per-commune", required=True, type=int)
@click.option("--people-per-village", required=True, type=int)
@click.option("--communes", default="", help="Comma-separated commune codes (default: every commune in the frame).")
@click.option("--seed", type=int, default=None)
@transactional
def create_command(code, province, instrument, version, start, end, villages_per_commune, people_per_village,
                   communes, seed) -> None:
    """A draft campaign: design parameters and seed; `draw` selects the sample."""
    chosen = [c.strip() for c in communes.split(",") if c.strip()] or None
    campaign = manage.create_campaign(OPERATOR, code, province, instrument, version, start.date(), end.date(),
                                      villages_per_commune, people_per_village, chosen, seed, actor())
    click.echo(f"Campaign {campaign.code} created (draft, seed {campaign.seed}).")


@campaigns_group.command("draw")
@click.argument("code")
@transactional
def draw_command(code: str) -> None:
    """Select villages by systematic PPS in each commune and issue the questionnaires (once)."""
    done = manage.draw(OPERATOR, code, actor())
    click.echo(f"Drew {done['villages']} villages in {done['communes']} communes: "
               f"{done['questionnaires']} questionnaires issued.")


@campaigns_group.command("questionnaires")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
@transactional
def questionnaires_command(code: str, fmt: str) -> None:
    """Every questionnaire with its probabilities, status and personal link."""
    rows = manage.questionnaire_rows(OPERATOR, code)
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(QUESTIONNAIRE_COLUMNS)
        writer.writerows([[r[c] if not isinstance(r[c], float) else repr(r[c]) for c in QUESTIONNAIRE_COLUMNS]
                          for r in rows])
        return
    for r in rows:
        click.echo(f"{r['questionnaire']}  {r['commune_code']}  {r['village_code']:<12} "
                   f"π_v={r['village_probability']:.4f}  π_k|v={r['person_probability']:.4f}  {r['status']}")


@campaigns_group.command("outcome")
@click.argument("code")
@click.option("--questionnaire", required=True)
@click.option("--status", required=True, type=click.Choice(manage.NON_RESPONSE))
@transactional
def outcome_command(code: str, questionnaire: str, status: str) -> None:
    """Record a non-response outcome of one questionnaire."""
    q = manage.record_outcome(OPERATOR, code, questionnaire, status)
    click.echo(f"Questionnaire {q.code}: {q.status}.")


@campaigns_group.command("close")
@click.argument("code")
@transactional
def close_command(code: str) -> None:
    """End the fieldwork: afterwards no channel takes answers or outcomes; estimates stay available."""
    campaign = manage.close_campaign(OPERATOR, code, actor())
    click.echo(f"Campaign {campaign.code} closed.")


@campaigns_group.command("status")
@click.argument("code")
@transactional
def status_command(code: str) -> None:
    """Outcomes and the response rate (AAPOR RR1) per commune and for the campaign."""
    s = progress.campaign_status(OPERATOR, code)
    head = (f"{'commune':<8} {'issued':>7} {'completed':>9} {'refused':>7} {'not_reached':>11} {'ineligible':>10} "
            f"{'RR1':>7}")
    click.echo(f"Campaign {s['campaign']} ({s['status']})")
    click.echo(head)
    for r in [*s["communes"], {"commune_code": "TOTAL", **s}]:
        rate = "—" if r["response_rate"] is None else f"{r['response_rate']:.2f}%"
        click.echo(f"{r['commune_code']:<8} {r['issued']:>7} {r['completed']:>9} {r['refused']:>7} "
                   f"{r['not_reached']:>11} {r['ineligible']:>10} {rate:>7}")


@campaigns_group.command("estimates")
@click.argument("code")
@click.option("--by", default="province", type=click.Choice(estimates.BY))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--calibrate", is_flag=True,
              help="Hiệu chỉnh trọng số theo cơ cấu giới tính × nhóm tuổi của tỉnh / Post-stratify the weights to "
                   "the province's sex × age-band margins (they must be uploaded).")
@transactional
def estimates_command(code: str, by: str, fmt: str, calibrate: bool) -> None:
    """Design-based estimates (method sipas-design-1) with standard errors."""
    doc = estimates.estimates_document(OPERATOR, code, by, calibrate=calibrate)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    columns = ("unit_code", "n", "index", "se", "ci_low", "ci_high", "deff", "response_rate", "suppressed")
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        comps = list(doc["rows"][0]["components"]) if doc["rows"] else []
        writer.writerow([*columns, "calibrated", *[f"{c}.{k}" for c in comps for k in ("pct", "se")]])
        for r in doc["rows"]:
            writer.writerow([*(r[c] for c in columns), int(calibrate),
                             *[r["components"][c][k] for c in comps for k in ("pct", "se")]])
        return
    click.echo(f"{doc['campaign']} — {doc['instrument']} v{doc['instrument_version']} ({doc['method_version']})")
    click.echo(_weights_line(doc))
    click.echo("  ".join(f"{c:>9}" for c in columns))
    for r in doc["rows"]:
        click.echo("  ".join(f"{'' if r[c] is None else r[c]!s:>9}" for c in columns))


@campaigns_group.command("export")
@click.argument("code")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--calibrate", is_flag=True,
              help="Hiệu chỉnh trọng số theo cơ cấu giới tính × nhóm tuổi của tỉnh / Post-stratify the weights to "
                   "the province's sex × age-band margins (they must be uploaded).")
@transactional
def export_command(code: str, output: Path, calibrate: bool) -> None:
    """One row per completed questionnaire with stratum, PSU, weights and answer codes (for R or Stata)."""
    header, rows = estimates.export_rows(OPERATOR, code, calibrate)
    with output.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    click.echo(f"{len(rows)} completed questionnaires written to {output}; weight column "
               f"{'calibrated to the sex × age-band margins' if calibrate else 'not calibrated'}.")


def _weights_line(doc: dict) -> str:
    """Whether the weights were calibrated, in Vietnamese then English."""
    if not doc["calibrated"]:
        return "Trọng số: không hiệu chỉnh / Weights: not calibrated"
    c = doc["calibration"]
    return (f"Trọng số: hiệu chỉnh theo giới tính × nhóm tuổi ({c['respondents_in_cells']} người trả lời trong ô, "
            f"{c['respondents_without_cell']} không rõ) / Weights: calibrated to sex × age band "
            f"({c['respondents_in_cells']} respondents in cells, {c['respondents_without_cell']} without)")


@campaigns_group.command("packs")
@click.argument("code")
@click.option("-o", "output", required=True, type=click.Path(path_type=Path),
              help="A folder (one PDF per village) or a FILE.zip.")
@click.option("--village", default=None, help="Only this village's pack.")
@transactional
def packs_command(code: str, output: Path, village: str | None) -> None:
    """Printable packs for the postal service: a PDF per village, a page per questionnaire with its QR code."""
    from survey.reports.campaign_packs import packs_zip, render_pack
    from survey.services.campaigns.packs import village_packs

    packs = village_packs(OPERATOR, code, village)
    if not packs:
        raise click.ClickException(f"no questionnaires{' in village ' + village if village else ''}")
    if output.suffix.lower() == ".zip":
        output.write_bytes(packs_zip(packs))
    else:
        output.mkdir(parents=True, exist_ok=True)
        for pack in packs:
            (output / pack.filename).write_bytes(render_pack(pack))
    pages = sum(len(p.questionnaires) for p in packs)
    click.echo(f"{len(packs)} village packs ({pages} pages) written to {output}.")


@campaigns_group.command("report")
@click.argument("code")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@transactional
def report_command(code: str, output: Path, lang: str) -> None:
    """The campaign report PDF for the province: method, sample, response rates, estimates with intervals by
    commune and overall, and the Ministry's published figures beside them."""
    from flask import current_app

    from survey.reports.campaign_pdf import render_campaign_report
    from survey.services.campaigns.report import campaign_report

    data = campaign_report(OPERATOR, code, int(current_app.config["MIN_N"]))
    output.write_bytes(render_campaign_report(data, lang))
    click.echo(f"Campaign report of {code} ({lang}) written to {output}.")


@click.group("official")
def official_group() -> None:
    """The Ministry's published SIPAS figures (each with its source), shown beside campaign estimates."""


@official_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def official_import_command(file: Path) -> None:
    """Add or replace figures from a CSV (year,level,unit_code,unit_name,measure,label,value,source); all or
    nothing, and a row without a source is refused."""
    from survey.services.campaigns.official import import_figures

    done = import_figures(OPERATOR, file.read_text("utf-8-sig"))
    click.echo(f"Official figures: {done['added']} added, {done['updated']} replaced.")


@official_group.command("list")
@transactional
def official_list_command() -> None:
    """Every figure (shipped and imported) with its source."""
    from survey.services.campaigns.official import all_figures

    for r in all_figures():
        click.echo(f"{r['year']}  {r['unit_name']:<12} {r['measure']:<6} {r['value']:>6.2f}  {r['source']}")


commands = [campaigns_group, official_group]
