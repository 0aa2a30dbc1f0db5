"""The agency directory and the jurisdictions' laws: browse, search, create, edit, typeahead."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from foia.agencies import jurisdictions
from foia.agencies import services
from foia.agencies.forms import AgencyForm
from foia.agencies.models import Jurisdiction
from foia.deadlines.calendar import calendar_for
from foia.deadlines.laws import law_for
from foia.deadlines.rules import STAGE_TITLES, law_summary, stage_summary
from foia.errors import ValidationError
from foia.pagination import page_number
from foia.web.context import actor, db_session, now
from foia.web.forms import show_errors

bp = Blueprint("agencies", __name__)

@bp.get("/agencies")
def list_agencies():
    session = db_session()
    text = request.args.get("q", "").strip()
    slug = request.args.get("jurisdiction", "").strip().lower()
    page = services.search_agencies(session, text=text, jurisdiction=slug or None, page=page_number(request.args.get("page")))
    page.url_for = lambda number: url_for("agencies.list_agencies", q=text or None, jurisdiction=slug or None,
                                          page=number)
    return render_template("agencies/list.html", page=page, q=text, jurisdiction_slug=slug,
                           jurisdictions=jurisdictions.list_jurisdictions(session))


def _agency_form(session, **kwargs) -> AgencyForm:
    form = AgencyForm(**kwargs)
    form.set_jurisdictions(jurisdictions.list_jurisdictions(session))
    return form


@bp.route("/agencies/new", methods=["GET", "POST"])
@login_required
def new_agency():
    session = db_session()
    form = _agency_form(session)
    if request.method == "GET" and request.args.get("jurisdiction"):
        chosen = jurisdictions.find_jurisdiction(session, request.args["jurisdiction"])
        form.jurisdiction_id.data = chosen.id if chosen else 0
    if form.validate_on_submit():
        try:
            agency = services.create_agency(session, actor(), now(), **form.values())
        except ValidationError as error:
            session.rollback()
            show_errors(form, error)
        else:
            session.commit()
            flash(f"{agency.name} is in the directory.", "success")
            return redirect(url_for("agencies.show_agency", agency_id=agency.id))
    return render_template("agencies/form.html", form=form, agency=None)


@bp.get("/agencies/<int:agency_id>")
def show_agency(agency_id: int):
    session = db_session()
    agency = services.get_agency(session, agency_id)
    jurisdiction = session.get(Jurisdiction, agency.jurisdiction_id)
    return render_template(
        "agencies/detail.html", agency=agency, jurisdiction=jurisdiction,
        rules=law_summary(law_for(jurisdiction)), history=services.agency_history(session, agency),
        foia_requests=services.requests_to_agency(session, actor(), now(), agency),
        field_labels=services.FIELD_LABELS,
        suggestions=[(s, services.can_confirm(session, actor(), s)) for s in services.open_suggestions(session, agency)])


@bp.post("/agencies/<int:agency_id>/suggestions/<int:suggestion_id>")
@login_required
def decide_suggestion(agency_id: int, suggestion_id: int):
    session = db_session()
    agency = services.get_agency(session, agency_id)
    accept = request.form.get("answer") == "accept"
    services.decide_suggestion(session, actor(), now(), agency, suggestion_id, accept)
    session.commit()
    flash("The address is confirmed and in use." if accept else "The suggestion is rejected.", "success")
    return redirect(url_for("agencies.show_agency", agency_id=agency.id))


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@login_required
def edit_agency(agency_id: int):
    session = db_session()
    agency = services.get_agency(session, agency_id)
    form = _agency_form(session, obj=agency)
    if request.method == "GET":
        form.closed_days.data = services.closed_days_text(agency.closed_days)
    if form.validate_on_submit():
        try:
            change, suggested = services.edit_agency(session, actor(), now(), agency, **form.values())
        except ValidationError as error:
            session.rollback()
            show_errors(form, error)
        else:
            session.commit()
            if suggested:
                names = " and ".join(services.FIELD_LABELS.get(s.field, s.field).lower() for s in suggested)
                flash(f"The new {names} is a suggestion: it is used once an admin or someone who filed a request "
                      f"with {agency.name} confirms it." + (" Your other changes are saved." if change else ""), "info")
            else:
                flash("Saved. The change is in the agency's history." if change else "Nothing was changed.",
                      "success" if change else "info")
            return redirect(url_for("agencies.show_agency", agency_id=agency.id))
    return render_template("agencies/form.html", form=form, agency=agency)


@bp.get("/agencies/suggest")
def suggest():
    if actor() is None:
        return jsonify({"error": "Log in to look up agencies."}), 401
    try:
        limit = int(request.args.get("limit", "10"))
    except ValueError:
        limit = 10
    return jsonify(services.suggest(db_session(), request.args.get("q", ""), limit=limit))


@bp.get("/jurisdictions")
def list_jurisdictions():
    session = db_session()
    rows = [(j, law_summary(law_for(j))) for j in jurisdictions.list_jurisdictions(session)]
    return render_template("agencies/jurisdictions.html", rows=rows,
                           agency_counts=services.count_agencies_by_jurisdiction(session))


@bp.get("/jurisdictions/<slug>")
def show_jurisdiction(slug: str):
    session = db_session()
    jurisdiction = jurisdictions.get_jurisdiction(session, slug)
    law = law_for(jurisdiction)
    return render_template("agencies/jurisdiction.html", jurisdiction=jurisdiction, law=law,
                           rules=law_summary(law), stage_summary=stage_summary, stage_titles=STAGE_TITLES,
                           holidays=calendar_for(law.holidays),
                           agencies=services.agencies_in(session, jurisdiction))
