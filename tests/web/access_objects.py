"""The access matrix's world, second part: per place a drawn campaign of its province with a village and a completed
questionnaire, a finished job, a report subscription, an alert rule and its open alert.

Jobs and subscriptions belong to a person, not to a place: each place's are those of the caller's own role at that
place ("the peer"), so the caller's home place holds the caller's own and the matrix's reach decides the rest.
"""
from __future__ import annotations

from datetime import date, timedelta

from survey.extensions import db
from survey.services.access.scope import OPERATOR, scope_for

SUBSCRIBERS = ("homeaffairs", "manager")  # survey.services.schedule.subscriptions.SUBSCRIBER_ROLES


def province(place) -> str:
    """The province code of a place of the world."""
    return "01" if place.tag == "Zeta" else "22"


def add_campaigns(world) -> None:
    """A village per commune in the frame and a drawn campaign per province, one questionnaire completed per
    commune (the home and sibling communes share their province's campaign)."""
    from survey.services.campaigns import manage
    from survey.services.campaigns.answers import complete_questionnaire
    from survey.services.campaigns.frame import import_frame

    today = date.today()
    by_province: dict[str, list] = {}
    for place in world.places.values():
        place.village_name = f"Thôn {place.tag}"
        by_province.setdefault(province(place), []).append(place)
    for code, places in by_province.items():
        rows = "".join(f"{p.unit_code},V-{p.tag.upper()},{p.village_name},120\n" for p in places)
        import_frame(OPERATOR, code, "commune_code,village_code,village_name,population\n" + rows)
        campaign = f"CP-{code}"
        manage.create_campaign(OPERATOR, campaign, code, "SIPAS-1001", None, today - timedelta(days=3),
                               today + timedelta(days=30), 1, 2, sorted(p.unit_code for p in places), 7)
        manage.draw(OPERATOR, campaign)
        rows_by_commune: dict[str, list[str]] = {}
        for row in manage.questionnaire_rows(OPERATOR, campaign):
            rows_by_commune.setdefault(row["commune_code"], []).append(row["questionnaire"])
        for place in places:
            place.campaign_code = campaign
            place.questionnaire = rows_by_commune[place.unit_code][0]
            complete_questionnaire(campaign, place.questionnaire, {"A2.3.1": 5, "X.4": 1})
    db.session.commit()


def peer(world, role: str, key: str, make_user):
    """The account of `role` at this place: the caller itself at home, a colleague elsewhere."""
    if key == "home":
        return world.principals[role]
    place = world.places[key]
    if role == "ministry":  # national: no home unit, every place's
        return make_user(role, unit=None, email=f"{role}.{place.tag.lower()}@example.vn")
    unit = province(place) if role == "homeaffairs" else place.unit_code
    return make_user(role, unit=unit, email=f"{role}.{place.tag.lower()}@example.vn")


def add_personal_objects(world, principal: str, make_user) -> None:
    """A finished job and a report subscription per place, of the principal's peer there."""
    from survey.services.jobs import store
    from survey.services.schedule.subscriptions import subscribe

    job_role = principal if principal in world.principals else "viewer"
    sub_role = principal if principal in SUBSCRIBERS else "manager"
    peers: dict[tuple[str, str], object] = {}
    for key, place in world.places.items():
        for role in {job_role, sub_role}:
            peers[role, key] = peer(world, role, key, make_user)
        owner = peers[job_role, key]
        job = store.create_job(scope_for(owner), "responses_export", {"instrument": "KIOSK-QUICK"}, owner.email,
                               owner.id)
        name = f"job-{place.tag.lower()}.csv"
        (store.results_dir() / name).write_text(f"unit\n{place.unit_code}\n", "utf-8")
        job.state, job.progress, job.result_path, job.result_name = "done", 100, name, name
        job.finished_at = job.started_at = job.heartbeat_at = job.created_at
        place.job_id = job.public_id
        sub = subscribe(OPERATOR, peers[sub_role, key], place.unit_code, "KIOSK-QUICK", "monthly")
        place.subscription_id = sub.id
    db.session.commit()


def add_alerts(world) -> None:
    """A rule per commune that flags its own comment's word, evaluated once: an open alert per place."""
    from survey.models import Alert
    from survey.services.alerts import episodes, rules
    from sqlalchemy import select

    for place in world.places.values():
        rule = rules.add_rule(OPERATOR, "comment_words", place.unit_code, {"words": place.tag}, "test")
        place.rule_id = rule.id
    db.session.commit()
    episodes.run(send_mail=False)
    for place in world.places.values():
        place.alert_id = db.session.scalar(select(Alert.id).where(Alert.rule_id == place.rule_id,
                                                                  Alert.state == "open"))
        assert place.alert_id, f"no alert raised for {place.tag}"


def add_legacy_districts(world) -> None:
    """A pre-July-2025 district per place lying wholly inside the place's commune (so the commune's scope opens it)."""
    from survey.services.organisation.legacy import import_legacy_csv

    rows = ["province_code,province_name,district_code,district_name,commune_code,commune_name,successor_codes"]
    for n, place in enumerate(world.places.values()):
        place.district_code, place.district_name = f"99{n + 1}", f"Huyện cũ {place.tag}"
        rows.append(f"{province(place)},Tỉnh {province(place)},{place.district_code},{place.district_name},"
                    f"99{n + 1}01,Xã cũ {place.tag},{place.unit_code}")
    import_legacy_csv("\n".join(rows) + "\n")
    db.session.commit()
