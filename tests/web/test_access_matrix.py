"""Every route and API endpoint in app.url_map, as every role, on home and foreign objects.

Allowed requests work; every other one is refused (401/403/404, or a redirect to the sign-in page for a
browser without a session); and no body ever shows data of a unit outside the caller's reach. A route added
later and missing from ACCESS counts as "nobody may use it", so this test fails until its access is declared.
"""
from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from survey.auth.session import session_keys
from survey.extensions import db
from survey.models import ApiToken, Comment, Contact, Response
from tests.fixtures.factories import commune_codes
from tests.web import access_objects

STAFF = frozenset({"homeaffairs", "manager", "clerk", "viewer", "ministry"})
PRINCIPALS = ("homeaffairs", "manager", "clerk", "viewer", "ministry", "device", "anonymous")
PLACES = ("home", "sibling", "foreign")  # a commune of the caller, another commune of the province, Hà Nội
# The places each principal may see: Home Affairs has the whole province, the ministry every province (read-only),
# everyone else their commune.
REACH = {"homeaffairs": {"home", "sibling"}, "manager": {"home"}, "clerk": {"home"}, "viewer": {"home"},
         "ministry": {"home", "sibling", "foreign"}, "device": {"home"}, "anonymous": set()}

# Anyone may use these (the page's own key or path names what it shows, so bodies are not checked).
PUBLIC = {
    "static", "home.index", "health.alive", "health.ready", "api.openapi_document", "api.docs_page", "auth.login", "auth.logout",
    "methodology.page", "kiosk.start", "kiosk.enrol", "kiosk.enrol_confirm", "kiosk.manifest",
    "kiosk.service_worker",
    "collection.online_index", "collection.online_go", "collection.online_form", "collection.online_submit",
    "collection.online_thanks", "collection.online_qr", "collection.online_print",
    # A campaign's personal link: its one-time token is the credential.
    "campaign_link.link_form", "campaign_link.link_submit", "campaign_link.link_thanks",
    # Published results only (issue 23): nothing unpublished is shown, so these are public.
    "public.index", "public.province_results", "public.open_data", "public.codebook",
}
RESULTS = frozenset({"homeaffairs", "manager", "viewer", "ministry"})
ENTRY = frozenset({"homeaffairs", "manager", "clerk"})
EXPORT = frozenset({"homeaffairs", "manager"})
EXPORT_DATA = EXPORT | {"ministry"}  # index tables and anonymised responses: the ministry reads every province's
PROVINCE_READ = frozenset({"homeaffairs", "ministry"})  # a whole province's report: its Home Affairs, the ministry

# endpoint → roles allowed ("device": a kiosk token). Roles not listed, and endpoints not listed, are refused.
ACCESS: dict[str, frozenset[str]] = {
    "auth.password": STAFF,
    "admin.index": frozenset({"homeaffairs", "manager"}),
    "admin.agencies": frozenset({"homeaffairs"}),
    "admin.service_points": frozenset({"homeaffairs"}),
    "admin.devices": frozenset({"homeaffairs", "manager"}),
    "admin.revoke_device": frozenset({"homeaffairs"}),
    "admin.device_settings": frozenset({"homeaffairs", "manager"}),
    "admin.accounts": frozenset({"homeaffairs"}),
    "admin.disable_account": frozenset({"homeaffairs"}),
    "admin.enable_account": frozenset({"homeaffairs"}),
    "admin.reset_account": frozenset({"homeaffairs"}),
    "admin.tokens": frozenset({"homeaffairs"}),
    "admin.revoke_token": frozenset({"homeaffairs"}),
    "admin.audit_log": frozenset({"homeaffairs"}),
    "admin.contacts": frozenset({"homeaffairs", "manager"}),
    "admin.delete_contact": frozenset({"homeaffairs"}),
    "admin.population_weights": frozenset({"homeaffairs"}), "admin.weights_template": frozenset({"homeaffairs"}),
    "api.list_units": STAFF,
    "api.list_service_points": STAFF,
    "api.list_instruments": STAFF,
    "api.submit_response": frozenset({"device"}),
    "api.device_heartbeat": frozenset({"device"}),
    "api.get_indices": RESULTS,
    "paper.entry": ENTRY, "paper.save": ENTRY, "paper.import_csv": ENTRY, "paper.csv_template": ENTRY,
    "dashboard.overview": RESULTS, "dashboard.commune": RESULTS, "dashboard.agency": RESULTS,
    "dashboard.service_point": RESULTS,
    # dashboard.district (RESULTS) needs a legacy district, which this world lacks: every call answers 404 here;
    # tests/web/test_legacy_districts.py checks who opens one.
    "dashboard.district_choice": RESULTS,
    "dashboard.legacy_units": frozenset({"homeaffairs"}), "reports.settings": frozenset({"homeaffairs"}),
    "dashboard.moderate_comment": frozenset({"homeaffairs", "manager"}),
    "reports.index": RESULTS, "reports.unit_pdf": RESULTS, "api.report_unit": RESULTS,
    "reports.province_pdf": PROVINCE_READ, "api.report_province": PROVINCE_READ,
    # The national report: a national scope only (a province's Home Affairs is refused: 403).
    "reports.national_pdf": frozenset({"ministry"}), "api.report_national": frozenset({"ministry"}),
    "reports.indices_export": EXPORT_DATA, "api.export_indices": EXPORT_DATA,
    "reports.responses_export": EXPORT_DATA, "api.export_responses": EXPORT_DATA,
    "admin.point_online": frozenset({"homeaffairs"}),
    # One agency, service point or account to edit, a kiosk CSV import (the directory screens).
    **{f"admin.{name}": frozenset({"homeaffairs"}) for name in (
        "agency", "agency_active", "service_point", "service_point_active", "account", "devices_import")},
    "dashboard.district": RESULTS,
    # Quality review, targets, scorecards, what to fix first, publication: Home Affairs (issue 23).
    **{f"improvement.{name}": frozenset({"homeaffairs"}) for name in (
        "quality_review", "quality_scan", "quality_settings", "targets", "target_set", "target_import",
        "scorecard", "priorities", "publications", "publication_add", "publication_withdraw")},
    # Instruments are the province's (Home Affairs).
    **{f"admin_instruments.{name}": frozenset({"homeaffairs"}) for name in (
        "index", "version", "add_item", "drop_item", "scale", "publish", "new_version", "translate", "preview",
        "kiosk_preview", "kiosk_preview_sink")},
    # Sample-survey campaigns: everyone who reads results follows them; Home Affairs runs them.
    "campaigns.index": RESULTS, "campaigns.show": RESULTS, "api.campaign_estimates": RESULTS,
    **{f"campaigns.{name}": frozenset({"homeaffairs"}) for name in ("create", "draw", "outcome", "packs", "frame",
                                                                  "close", "report")},
    # Long work as jobs: started by whoever may download reports; followed by every staff role (a clerk's large
    # paper import runs as one), each seeing only the jobs of its own scope.
    "jobs.start": RESULTS,
    **{f"jobs.{name}": STAFF for name in ("index", "show", "status", "download")},
    "schedule.index": EXPORT, "schedule.add": EXPORT, "schedule.remove": EXPORT,
    "alerts.index": RESULTS, "alerts.acknowledge": EXPORT,
    "alerts.add_rule": frozenset({"homeaffairs"}), "alerts.remove_rule": frozenset({"homeaffairs"}),
}


@dataclass
class Place:
    """The objects of one commune: what a caller outside it must never see."""

    tag: str
    unit_code: str
    unit_name: str
    agency_code: str = ""
    agency_name: str = ""
    point_code: str = ""
    point_name: str = ""
    public_key: str = ""
    device_id: int = 0
    device_name: str = ""
    user_id: int = 0
    user_email: str = ""
    token_id: int = 0
    token_label: str = ""
    response_id: int = 0
    client_id: str = ""
    comment_id: int = 0
    comment_text: str = ""
    contact_id: int = 0
    contact_name: str = ""
    instrument_code: str = ""
    instrument_name: str = ""
    village_name: str = ""
    campaign_code: str = ""  # the province's campaign: shared by the home and sibling places
    questionnaire: str = ""
    job_id: str = ""  # public id of the job of the caller's role at this place
    subscription_id: int = 0
    rule_id: int = 0
    alert_id: int = 0
    district_code: str = ""  # a pre-July-2025 district lying wholly inside the commune
    district_name: str = ""

    def markers(self) -> set[str]:
        """Strings that identify this place's data."""
        values = {v for k, v in vars(self).items() if isinstance(v, str) and k not in ("tag",)}
        return {v for v in values if v}


@dataclass
class World:
    """Three communes with an agency, a service point, a kiosk, an account, a token, responses and contacts; a
    campaign per province, and per place a job, a subscription, an alert rule and an open alert."""

    places: dict[str, Place] = field(default_factory=dict)
    principals: dict[str, object] = field(default_factory=dict)
    device_token: str = ""


def _build_world(make_agency, make_service_point, make_device, make_user, principal: str = "viewer") -> World:
    from survey.models import Unit
    from survey.services.access import accounts
    from survey.services.instruments.versions import current_version

    world = World()
    home, sibling = commune_codes("22", 2)
    foreign = commune_codes("01", 1)[0]
    version = current_version("KIOSK-QUICK")
    items = {i.code: i for i in version.items}
    for n, (key, code, tag) in enumerate((("home", home, "Alpha"), ("sibling", sibling, "Beta"),
                                          ("foreign", foreign, "Zeta"))):
        unit = db.session.scalar(select(Unit).where(Unit.code == code, Unit.vintage == "2025"))
        place = Place(tag=tag, unit_code=code, unit_name=unit.name)
        agency = make_agency(unit=code, code=f"000.{40 + n}.{code[-2:]}.H{'01' if key == 'foreign' else '22'}",
                             name=f"UBND thử nghiệm {tag}", kind="commune_centre")
        point = make_service_point(unit=code, agency=agency.code, code=f"SP-{tag.upper()}",
                                   name=f"Điểm phục vụ {tag}")
        device, _token = make_device(service_point=point.code)
        device.name = f"Kiosk {tag}"
        user = make_user("viewer", unit=code, email=f"staff.{tag.lower()}@example.vn")
        token, _secret = accounts.add_token(user.email, f"Tool {tag}")
        place.agency_code, place.agency_name = agency.code, agency.name
        place.point_code, place.point_name, place.public_key = point.code, point.name, point.public_key
        place.device_id, place.device_name = device.id, device.name
        place.user_id, place.user_email, place.token_id, place.token_label = user.id, user.email, token.id, token.label
        response, comment, contact = _response(version, items, point, tag, n)
        place.response_id, place.client_id = response.id, response.client_id
        place.comment_id, place.comment_text = comment.id, comment.text
        place.contact_id, place.contact_name = contact.id, contact.name
        place.instrument_code, place.instrument_name = _own_instrument("01" if key == "foreign" else "22")
        world.places[key] = place
    db.session.commit()
    for role in STAFF:
        unit = None if role == "ministry" else "22" if role == "homeaffairs" else home
        world.principals[role] = make_user(role, unit=unit)
    _device, world.device_token = make_device(service_point=world.places["home"].point_code)
    access_objects.add_campaigns(world)
    access_objects.add_personal_objects(world, principal, make_user)
    access_objects.add_alerts(world)
    access_objects.add_legacy_districts(world)
    return world


def _response(version, items, point, tag: str, n: int):
    """One stored response with an answer, a comment and a consented contact, tallied when tallies exist."""
    import importlib
    import uuid
    from datetime import date, datetime

    response = Response(client_id=str(uuid.UUID(int=n + 1)), content_hash="0" * 64,
                        instrument_version_id=version.id, service_point_id=point.id, unit_id=point.unit_id,
                        agency_id=point.agency_id, channel="kiosk", submitted_at=datetime(2025, 9, 10, 3, 0),
                        local_date=date(2025, 9, 10))
    db.session.add(response)
    db.session.flush()
    db.session.add_all([_answer(response, items["Q"], 2), _answer(response, items["R"], 1)])
    # what a submission stores beside its answers: the packed codes the columnar blocks and their summaries count
    from survey.services.indices.packed_answers import layout, pack
    positions = {item_id: slot for slot, item_id in enumerate(layout(version.id))}
    response.answer_codes = pack(positions, [(items["Q"].id, 2), (items["R"].id, 1)])
    comment = Comment(response_id=response.id, item_id=items["COMMENT"].id, text=f"Góp ý riêng {tag}", status="approved")
    contact = Contact(response_id=response.id, name=f"Người dân {tag}", phone=f"09{n}1234567")
    db.session.add_all([comment, contact])
    db.session.flush()
    try:
        tallies = importlib.import_module("survey.services.indices.tallies")
    except ModuleNotFoundError:
        tallies = None
    if tallies is not None and hasattr(tallies, "tally_response"):
        tallies.tally_response(response)
    return response, comment, contact


def _own_instrument(province: str) -> tuple[str, str]:
    """The province's own instrument (created once per province): version 1 published (the kiosk preview shows
    it), version 2 a draft (the builder's screens edit it)."""
    from survey.models import Instrument
    from survey.services.instruments.drafts import create_own_instrument, new_version, publish_version
    from survey.services.access.scope import OPERATOR

    code, name = ("QN-RIENG", "Phiếu riêng Quảng Ninh") if province == "22" else ("HN-RIENG", "Phiếu riêng Zeta")
    if db.session.scalar(select(Instrument.id).where(Instrument.code == code)) is None:
        create_own_instrument("KIOSK-QUICK", code, {"vi": name}, province, "test", OPERATOR)
        publish_version(code, 1, "test", OPERATOR)
        new_version(code, "test", OPERATOR)
    return code, name


def _answer(response, item, code):
    from survey.models import Answer

    return Answer(response_id=response.id, item_id=item.id, code=code)


# Sample URL arguments per endpoint: place → view args (and query string). Unlisted endpoints get
# arguments guessed from the argument names (see _guess).
ARGS = {
    "collection.online_qr": lambda p: {"key": p.public_key, "fmt": "svg"},
    "improvement.scorecard": lambda p: {"by": "commune", "code": p.unit_code},
    "improvement.priorities": lambda p: {"by": "commune", "code": p.unit_code},
    # Each place drops a different item: the home and sibling places share the province's instrument.
    **{f"admin_instruments.{name}": lambda p: {"code": p.instrument_code, "number": 2, "section": "SAT",
                                               "item": "R" if p.tag == "Beta" else "Q"}
       for name in ("version", "add_item", "drop_item", "scale", "publish", "new_version", "translate", "preview")},
    "admin_instruments.kiosk_preview": lambda p: {"code": p.instrument_code, "number": 1},
    **{name: lambda p: {"code": p.agency_code} for name in ("admin.agency", "admin.agency_active")},
    "dashboard.district": lambda p: {"unit_code": p.district_code},
    **{name: lambda p: {"code": p.campaign_code} for name in (
        "campaigns.show", "campaigns.draw", "campaigns.outcome", "campaigns.packs", "api.campaign_estimates",
        "campaigns.close", "campaigns.report")},
}
# Objects of a whole province: for a commune's staff the sibling place names the same object as the home place.
PROVINCE_OBJECTS = {"campaigns.show", "campaigns.draw", "campaigns.outcome", "campaigns.packs",
                    "api.campaign_estimates", "dashboard.overview", "campaigns.close", "campaigns.report"}
# Endpoints whose arguments name no place's object: one request with these arguments.
FIXED_ARGS = {
    "static": {"filename": "css/app.css"},
}
# Query strings naming a place's objects (endpoints listed here are tried once per place).
QUERY = {
    # A province's overview (the ministry names any; everyone else only their own, or gets 404).
    "dashboard.overview": lambda p: {"province": _province(p)},
    **{name: lambda p: {"instrument": "KIOSK-QUICK", "period": "2025"}
       for name in ("reports.national_pdf", "api.report_national")},
    "api.list_units": lambda p: {"province": _province(p)},
    "api.list_service_points": lambda p: {"province": _province(p)},
    "api.get_indices": lambda p: {"instrument": "KIOSK-QUICK", "period": "2025", "by": "commune",
                                  "province": _province(p)},
    "paper.entry": lambda p: {"instrument": "KIOSK-QUICK", "service_point": p.point_code},
    "paper.save": lambda p: {"instrument": "KIOSK-QUICK", "service_point": p.point_code},
    **{name: lambda p: {"unit": p.unit_code, "instrument": "KIOSK-QUICK", "period": "2025", "format": "csv"}
       for name in ("reports.unit_pdf", "api.report_unit", "reports.responses_export", "api.export_responses")},
    **{name: lambda p: {"province": _province(p), "instrument": "KIOSK-QUICK", "period": "2025", "by": "commune",
                        "format": "csv"}
       for name in ("reports.province_pdf", "api.report_province", "reports.indices_export", "api.export_indices")},
}
# Endpoints whose place is only a filter or a pre-selection: a foreign one may answer 200 with nothing of it
# (the paper screen only echoes the code it was given; saving there is refused).
FILTERS = {"api.list_units", "api.list_service_points", "api.get_indices", "paper.entry",
           "reports.indices_export", "api.export_indices"}


def _province(place: Place) -> str:
    return "01" if place.tag == "Zeta" else "22"


# View arguments naming one object of the place, by their exact name.
OBJECT_IDS = {"public_id": "job_id", "sub_id": "subscription_id", "rule_id": "rule_id", "alert_id": "alert_id"}


def _guess(rule, place: Place) -> dict[str, object]:
    """View arguments from their names: ids and codes of this place's objects."""
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__  # noqa: SLF001 - the rule's own converter
        numeric = converter in ("IntegerConverter", "NumberConverter")
        lowered = name.lower()
        if name in OBJECT_IDS:
            value = getattr(place, OBJECT_IDS[name])
        elif "device" in lowered:
            value = place.device_id
        elif "token" in lowered:
            value = place.token_id
        elif "contact" in lowered:
            value = place.contact_id
        elif "comment" in lowered:
            value = place.comment_id
        elif "user" in lowered or "account" in lowered:
            value = place.user_id
        elif "response" in lowered:
            value = place.response_id if numeric else place.client_id
        elif "key" in lowered:
            value = place.public_key
        elif "agency" in lowered:
            value = place.agency_code
        elif "point" in lowered or lowered in ("sp", "code"):
            value = place.point_code
        elif "unit" in lowered or "commune" in lowered:
            value = place.unit_code
        elif "instrument" in lowered:
            value = "KIOSK-QUICK"
        elif "period" in lowered:
            value = "2025"
        elif "year" in lowered or "version" in lowered:
            value = 2025 if "year" in lowered else 1
        else:
            value = place.device_id if numeric else place.tag
        values[name] = int(value) if numeric else value
    return values


@dataclass(frozen=True)
class Case:
    """One request: an endpoint, a method and the place its arguments point at (None: no object)."""

    endpoint: str
    method: str
    place: str | None
    url: str


def _cases(app, world: World) -> list[Case]:
    """Every (endpoint, method, place) of the app's URL map."""
    cases = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        placed = (rule.arguments and rule.endpoint not in FIXED_ARGS) or rule.endpoint in QUERY
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for target in PLACES if placed else (None,):
                place = world.places[target or "home"]
                if rule.endpoint in FIXED_ARGS:
                    args = {k: v for k, v in FIXED_ARGS[rule.endpoint].items() if k in rule.arguments}
                else:
                    args = ARGS.get(rule.endpoint, lambda p, r=rule: _guess(r, p))(place) if rule.arguments else {}
                    args = {k: v for k, v in args.items() if k in rule.arguments}
                url = rule.build(args, append_unknown=False)[1]
                if rule.endpoint in QUERY:
                    url += "?" + "&".join(f"{k}={v}" for k, v in QUERY[rule.endpoint](place).items())
                cases.append(Case(rule.endpoint, method, target, url))
    return cases


def _expected(case: Case, principal: str) -> str:
    """"public", "allowed", "filter" (allowed, may be empty) or "denied"."""
    if case.endpoint in PUBLIC:
        return "public"
    allowed = principal in ACCESS.get(case.endpoint, frozenset())
    if not allowed:
        return "denied"
    if case.place is None:
        return "allowed"
    if case.place in REACH[principal]:
        return "allowed"
    if case.place == "sibling" and case.endpoint in PROVINCE_OBJECTS and "home" in REACH[principal]:
        return "allowed"
    return "filter" if case.endpoint in FILTERS else "denied"


def _request(client, case: Case, principal: str, world: World):
    """Send the request as the principal (a fresh session each time: some requests sign out)."""
    with client.session_transaction() as session:
        session.clear()
        if principal in STAFF:
            session["_user_id"] = str(world.principals[principal].id)
            session["_fresh"] = True
            session.update(session_keys(world.principals[principal]))
    headers = {"Authorization": f"Bearer {world.device_token}"} if principal == "device" else {}
    kwargs = {"headers": headers}
    if case.method in ("POST", "PUT", "PATCH", "DELETE"):
        kwargs["json" if case.url.startswith("/api/") else "data"] = {}
    return client.open(case.url, method=case.method, **kwargs)


def _text(response) -> str:
    """The body as text a person would read: JSON decoded, HTML entities resolved, PDF text extracted."""
    kind = response.mimetype or ""
    data = response.get_data()
    if kind == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = data.decode("utf-8", errors="replace")
    if kind.endswith("json"):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text)


def _leaks(body: str, markers: set[str]) -> list[str]:
    """Markers found in a body (numeric codes only as whole numbers: not inside a random id such as a fresh
    response's UUID, whose hex "a992b…" once read as the district code 992)."""
    found = []
    for marker in markers:
        if marker.isdigit():
            if re.search(rf"(?<![0-9A-Za-z]){re.escape(marker)}(?![0-9A-Za-z])", body):
                found.append(marker)
        elif marker in body:
            found.append(marker)
    return found


def _refused(response) -> bool:
    """401/403/404, or a browser sent to the sign-in page."""
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (302, 303) and "/auth/login" in response.headers.get("Location", "")


def _works(case: Case, response) -> bool:
    """An allowed GET answers 200 (or redirects somewhere other than sign-in); a POST passes the gate."""
    if _refused(response) or response.status_code >= 500:
        return False
    return response.status_code < 400 if case.method == "GET" else True


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_access_matrix(app, principal, make_agency, make_service_point, make_device, make_user):
    world = _build_world(make_agency, make_service_point, make_device, make_user, principal)
    reach = REACH[principal]
    hidden = set().union(*(p.markers() for k, p in world.places.items() if k not in reach))
    hidden -= set().union(*(p.markers() for k, p in world.places.items() if k in reach), set())
    client = app.test_client()
    problems = []
    for case in _cases(app, world):
        try:
            response = _request(client, case, principal, world)
        except Exception as exc:  # noqa: BLE001 - a crash is a finding like any other
            problems.append(f"{case.method} {case.url} ({case.endpoint}): raised {type(exc).__name__}: {exc}")
            db.session.rollback()
            continue
        expected = _expected(case, principal)
        status = response.status_code
        if status >= 500:
            problems.append(f"{case.method} {case.url} ({case.endpoint}): {status}")
            continue
        if expected == "allowed" and not _works(case, response):
            problems.append(f"{case.method} {case.url} ({case.endpoint}): expected to work, got {status}")
        if expected == "denied" and not _refused(response):
            undeclared = "" if case.endpoint in ACCESS else " [endpoint not declared in ACCESS]"
            problems.append(f"{case.method} {case.url} ({case.endpoint}): expected refusal, got {status}{undeclared}")
        if expected != "public":
            leaked = _leaks(_text(response), {m for m in hidden if m not in case.url})
            if leaked:
                problems.append(f"{case.method} {case.url} ({case.endpoint}): shows foreign data {sorted(leaked)}")
        db.session.rollback()
    assert not problems, f"{principal}:\n" + "\n".join(problems)


def test_every_public_endpoint_is_listed_on_purpose(app):
    """Public endpoints that exist must be in PUBLIC, and nothing public is also in ACCESS."""
    assert not PUBLIC & set(ACCESS)
    for name in ("home.index", "health.alive", "static", "auth.login"):
        assert name in app.view_functions and name in PUBLIC


def test_the_world_has_data_in_every_place(app, make_agency, make_service_point, make_device, make_user):
    """The matrix would prove nothing if the foreign place held no data to leak."""
    world = _build_world(make_agency, make_service_point, make_device, make_user)
    assert db.session.scalar(select(Response.id).where(Response.id == world.places["foreign"].response_id))
    assert db.session.get(Contact, world.places["foreign"].contact_id).name == "Người dân Zeta"
    assert db.session.get(Comment, world.places["foreign"].comment_id).text == "Góp ý riêng Zeta"
    assert db.session.get(ApiToken, world.places["foreign"].token_id).label == "Tool Zeta"
    assert len({p.unit_code for p in world.places.values()}) == 3


# --- Writes: every write path × every principal × an object outside the caller's reach → refused, nothing written.

def _tallies() -> dict[str, int]:
    """Rows of every table a write path may add to."""
    from sqlalchemy import func

    from survey.models import Agency, Device, ServicePoint

    db.session.rollback()  # see what the requests committed
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Response, Agency, ServicePoint, Device)}


def _paper_form(point: str, agency: str = "") -> dict:
    from datetime import date

    form = {"instrument": "KIOSK-QUICK", "service_point": point, "date": date.today().isoformat(),
            "channel": "paper", "id": str(__import__("uuid").uuid4()), "a.Q": "4"}
    return {**form, "agency": agency} if agency else form


def _paper_csv(point: str, agency: str = "") -> bytes:
    return (f"instrument,service_point,agency,submitted_at,Q\nKIOSK-QUICK,{point},{agency},2025-09-10,4\n").encode()


def _write_cases(world: World, principal: str) -> list[tuple[str, str, str, dict]]:
    """(label, method, url, request kwargs) of writes this principal must not get through: a foreign service point,
    agency or unit, and for everyone below Home Affairs a sibling commune's too."""
    import uuid

    home, sibling, foreign = (world.places[k] for k in PLACES)
    outside = [foreign] + ([] if principal == "homeaffairs" else [sibling])
    cases = []
    api = {"headers": {"Authorization": f"Bearer {world.device_token}"}} if principal == "device" else {}
    for place in outside:
        body = {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": "2025-09-10T09:00:00+07:00",
                "answers": {"Q": 3}}
        if principal == "device":
            if place is foreign:  # a kiosk may name any agency of its province, none of another
                cases.append((f"api agency {place.tag}", "POST", "/api/v1/responses",
                              {**api, "json": {**body, "agency": place.agency_code}}))
            cases.append((f"api point {place.tag}", "POST", "/api/v1/responses",
                          {**api, "json": {**body, "id": str(uuid.uuid4()), "service_point": place.point_code}}))
        else:
            cases.append((f"api point {place.tag}", "POST", "/api/v1/responses",
                          {"json": {**body, "service_point": place.point_code}}))
        cases += [
            (f"paper point {place.tag}", "POST", "/paper/", {"data": _paper_form(place.point_code)}),
            (f"paper agency {place.tag}", "POST", "/paper/", {"data": _paper_form(home.point_code, place.agency_code)}),
            (f"import point {place.tag}", "POST", "/paper/import",
             {"data": {"file": (io.BytesIO(_paper_csv(place.point_code)), "a.csv")}}),
            (f"import agency {place.tag}", "POST", "/paper/import",
             {"data": {"file": (io.BytesIO(_paper_csv(home.point_code, place.agency_code)), "b.csv")}}),
            (f"admin agency unit {place.tag}", "POST", "/admin/agencies",
             {"data": {"code": "000.77.77.H77", "name": "Sở mới", "unit": place.unit_code, "kind": "department"}}),
            (f"admin agency parent {place.tag}", "POST", "/admin/agencies",
             {"data": {"code": "000.78.78.H78", "name": "Phòng mới", "unit": home.unit_code,
                       "parent": place.agency_code, "kind": "department"}}),
            (f"admin point agency {place.tag}", "POST", "/admin/service-points",
             {"data": {"code": "SP-NEW-A", "name": "Quầy", "agency": place.agency_code, "unit": home.unit_code,
                       "kind": "counter"}}),
            (f"admin point unit {place.tag}", "POST", "/admin/service-points",
             {"data": {"code": "SP-NEW-U", "name": "Quầy", "agency": home.agency_code, "unit": place.unit_code,
                       "kind": "counter"}}),
            (f"admin device {place.tag}", "POST", "/admin/devices",
             {"data": {"service_point": place.point_code, "name": "K", "instrument": "KIOSK-QUICK"}}),
        ]
    return cases


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_write_matrix_refuses_objects_outside_the_callers_reach(app, principal, make_agency, make_service_point,
                                                                make_device, make_user):
    world = _build_world(make_agency, make_service_point, make_device, make_user)
    client = app.test_client()
    problems = []
    for label, method, url, kwargs in _write_cases(world, principal):
        with client.session_transaction() as session:
            session.clear()
            if principal in STAFF:
                session["_user_id"] = str(world.principals[principal].id)
                session["_fresh"] = True
                session.update(session_keys(world.principals[principal]))
        before = _tallies()
        response = client.open(url, method=method, **kwargs)
        after = _tallies()
        if response.status_code >= 500 or response.status_code in (201, 302) and "/auth/login" not in \
                response.headers.get("Location", "/auth/login"):
            problems.append(f"{label}: {method} {url} answered {response.status_code}")
        if after != before:
            problems.append(f"{label}: {method} {url} wrote {before} → {after}")
        if principal in STAFF | {"device"} and response.status_code == 422 and url != "/paper/import":
            fields = {e.get("field") for e in (response.get_json(silent=True) or {}).get("errors", [])}
            if fields and not fields & {"agency", "service_point"}:
                problems.append(f"{label}: 422 names {fields}, not the agency or service point")
    assert not problems, f"{principal}:\n" + "\n".join(problems)


def test_online_form_ignores_an_agency_it_is_sent(app, make_agency, make_service_point, make_device, make_user):
    """The public form has no agency field: one smuggled in attributes nothing elsewhere."""
    from survey.models import Agency

    world = _build_world(make_agency, make_service_point, make_device, make_user)
    home, foreign = world.places["home"], world.places["foreign"]
    client = app.test_client()
    client.post(f"/s/{home.public_key}", data={"id": str(__import__("uuid").uuid4()), "a.Q": "4",
                                               "agency": foreign.agency_code})
    db.session.rollback()
    foreign_id = db.session.scalar(select(Agency.id).where(Agency.code == foreign.agency_code))
    assert db.session.scalar(select(Response.id).where(Response.agency_id == foreign_id,
                                                       Response.client_id != foreign.client_id)) is None


@pytest.mark.parametrize("args", [
    ["service-points", "add", "--code", "SP-CLI", "--name", "Quầy", "--agency", "{foreign_agency}",
     "--unit", "{home_unit}"],
    ["agencies", "add", "--code", "000.79.79.H79", "--name", "Phòng", "--unit", "{home_unit}",
     "--parent", "{foreign_agency}"],
    ["responses", "import", "{csv}"],
])
def test_cli_writes_refuse_a_foreign_agency(app, args, make_agency, make_service_point, make_device, make_user,
                                            tmp_path):
    """The operator is unscoped, but an agency still belongs to one province: never mixed with another's."""
    world = _build_world(make_agency, make_service_point, make_device, make_user)
    home, foreign = world.places["home"], world.places["foreign"]
    path = tmp_path / "rows.csv"
    path.write_bytes(_paper_csv(home.point_code, foreign.agency_code))
    values = {"foreign_agency": foreign.agency_code, "home_unit": home.unit_code, "csv": str(path)}
    before = _tallies()
    result = app.test_cli_runner().invoke(args=[a.format(**values) for a in args])
    assert result.exit_code != 0 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "province" in result.output, result.output
    assert _tallies() == before


# --- The ministry: every province read, nothing written.

# Tables a read may touch: the audit log records downloads, a job row carries an export; sessions and tokens
# note their use. Every other table must come out of any ministry request exactly as it went in.
READ_SIDE_EFFECTS = {"audit_log", "jobs", "report_sendings", "response_blocks", "response_marks"}
VOLATILE = {"users": {"last_login_at", "failed_logins", "locked_until", "session_generation"},
            "api_tokens": {"last_used_at"}}


def _state() -> dict[str, object]:
    """Every table's rows (units: their count), to compare before and after a request."""
    import hashlib

    from sqlalchemy import func

    from survey.models import Base

    db.session.rollback()
    out: dict[str, object] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in READ_SIDE_EFFECTS:
            continue
        if table.name == "units":
            out[table.name] = db.session.scalar(select(func.count()).select_from(table))
            continue
        columns = [c for c in table.columns if c.name not in VOLATILE.get(table.name, ())]
        rows = sorted(repr(tuple(row)) for row in db.session.execute(select(*columns)))
        out[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def test_the_ministry_writes_nothing_anywhere(app, make_agency, make_service_point, make_device, make_user):
    """Every POST of the app, on every place, as the ministry (its session, and its API token on the API): 403
    unless it is a read (a job) or the caller's own session (401 where only a kiosk's token is accepted), and no
    table changes either way."""
    from survey.services.access import accounts

    world = _build_world(make_agency, make_service_point, make_device, make_user, "ministry")
    _token, secret = accounts.add_token(world.principals["ministry"].email, "Bộ Nội vụ")
    db.session.commit()
    client = app.test_client()
    problems = []
    own = {"jobs.start", "auth.logout", "auth.password"}  # a read's job, the caller's own session and password
    for case in _cases(app, world):
        if case.method == "GET" or case.endpoint in PUBLIC - {"auth.logout"}:
            continue
        refusal = 401 if ACCESS.get(case.endpoint) == frozenset({"device"}) else 403
        tries = [lambda c=case: _request(client, c, "ministry", world)]
        if case.url.startswith("/api/"):
            tries.append(lambda c=case: client.open(c.url, method=c.method, json={},
                                                    headers={"Authorization": f"Bearer {secret}"}))
        for send in tries:
            before = _state()
            response = send()
            after = _state()
            changed = sorted(name for name in before if before[name] != after[name])
            if changed:
                problems.append(f"{case.method} {case.url} ({case.endpoint}): wrote {changed}")
            if case.endpoint not in own and response.status_code != refusal:
                problems.append(f"{case.method} {case.url} ({case.endpoint}): answered {response.status_code}, "
                                f"not {refusal}")
    assert not problems, "\n".join(problems)


def test_the_ministry_reads_both_provinces(app, make_agency, make_service_point, make_device, make_user):
    """The same reads show the home province's data and the foreign one's: pages, API, PDFs and exports."""
    world = _build_world(make_agency, make_service_point, make_device, make_user, "ministry")
    client = app.test_client()
    problems = []
    for key in ("home", "foreign"):
        place = world.places[key]
        province = _province(place)
        for url, expected in (
                (f"/dashboard/commune/{place.unit_code}", place.unit_name),
                (f"/dashboard/?province={province}&period=2025&instrument=KIOSK-QUICK", place.unit_name),
                (f"/api/v1/indices?instrument=KIOSK-QUICK&period=2025&by=commune&province={province}",
                 place.unit_code),
                (f"/reports/unit?unit={place.unit_code}&instrument=KIOSK-QUICK&period=2025", place.unit_name),
                (f"/reports/export/indices?instrument=KIOSK-QUICK&period=2025&by=commune&province={province}"
                 "&format=csv", place.unit_code),
                (f"/campaigns/{place.campaign_code}", place.campaign_code),
                (f"/dashboard/service-point/{place.point_code}", place.point_name)):
            response = _request(client, Case("read", "GET", key, url), "ministry", world)
            if response.status_code != 200 or expected not in _text(response):
                problems.append(f"{url}: {response.status_code}, {expected!r} not shown")
            if place.contact_name in _text(response):
                problems.append(f"{url}: shows a contact's name")
            db.session.rollback()
    response = _request(client, Case("read", "GET", None, "/dashboard/?period=2025&instrument=KIOSK-QUICK"),
                        "ministry", world)
    body = _text(response)
    for name in ("Quảng Ninh", "Thành phố Hà Nội"):
        if name not in body:
            problems.append(f"national overview: {name} missing")
    assert not problems, "\n".join(problems)
