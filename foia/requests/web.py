"""Request pages: dashboard, list, new request with letter preview, detail with its actions, batches."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from foia.accounts.models import Team, User
from foia.deadlines.forms import EstimateForm, RemindForm
from foia.errors import InvalidTransition, ValidationError
from foia.mail import outbound
from foia.requests import access, batches, filing, forms, lifecycle, listing
from foia.web import dashboard as board_service
from foia.requests.models import FeeWaiver, Status, SubmissionMethod, Visibility
from foia.pagination import page_number
from foia.web.context import actor, db_session, now, runtime
from foia.web.forms import add_problems, show_errors
from foia.web.input import bounded_id
from foia.web.request_page import request_page

bp = Blueprint("requests", __name__)


def _follow_up_days() -> int:
    return runtime().config["FOLLOW_UP_DAYS"]


def _cents(value) -> int | None:
    """An amount from a form in cents; None when empty, or refused (the form's own validator says why)."""
    try:
        return None if value is None else filing.dollars_to_cents(value)
    except ValueError:
        return None


def _dollars(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _team_choices(form, user) -> None:
    form.team_id.choices = [SelectChoice("", "Not shared")] + [
        SelectChoice(team.id, team.name) for team in listing.teams_for(db_session(), user)]


# Dashboard and list -------------------------------------------------------------------------------

@bp.get("/dashboard")
@login_required
def dashboard():
    board = board_service.build(db_session(), actor(), now(), request.args.get("month"),
                                kept=current_app.extensions["foia.dashboards"])
    return render_template("requests/dashboard.html", board=board, drawn=_drawn(board.workload),
                           list_limit=board_service.LIST_LIMIT)


def _drawn(workload: board_service.Workload) -> dict:
    """The parts of the dashboard drawn from the workload alone, drawn once for each workload kept between views."""
    drawn = workload.drawn.get(request.script_root)
    if drawn is None:
        parts = current_app.jinja_env.get_template("requests/_workload.html").module
        statuses = list(Status)
        drawn = {"counts": parts.counts(workload, statuses), "dates": parts.dates(workload, board_service.LOOK_AHEAD_DAYS),
                 "on_you": parts.on_you(workload, statuses), "calendar": parts.calendar(workload)}
        workload.drawn[request.script_root] = drawn
    return drawn


def _filters_from_args() -> listing.RequestFilters:
    args = request.args
    status = args.get("status", "")
    agency = args.get("agency", "")
    sort = args.get("sort", "created")
    page = args.get("page", "1")
    return listing.RequestFilters(
        status=Status(status) if status in Status._value2member_map_ else None,
        agency_id=bounded_id(agency),
        text=args.get("q", "")[:200],
        scope="all" if args.get("scope") == "all" else "mine",
        sort=sort if sort in listing.SORTS else "created",
        direction=args.get("dir", ""),
        page=page_number(page),
        overdue=args.get("due") == "overdue",
    )


@bp.get("/requests")
@login_required
def list_requests():
    session = db_session()
    filters = _filters_from_args()
    page = listing.list_requests(session, actor(), now(), filters, per_page=runtime().config["PAGE_SIZE"])
    args = {key: value for key, value in request.args.items() if value and key != "page"}
    page.url_for = lambda number: url_for("requests.list_requests", **args, page=number)

    def sort_url(key: str) -> str:
        same = filters.sort == key
        direction = ("asc" if filters.order == "desc" else "desc") if same else listing.DEFAULT_DIRECTION[key]
        return url_for("requests.list_requests", **{**args, "sort": key, "dir": direction})

    agencies = listing.agencies_with_requests(session, actor(), now())
    return render_template("requests/list.html", page=page, filters=filters, statuses=list(Status),
                           agency_groups=agencies, sort_url=sort_url, args=args)


# Filing -------------------------------------------------------------------------------------------

def _new_request_from(form: forms.NewRequestForm) -> filing.NewRequest:
    visibility = form.visibility.data if form.visibility.data in Visibility._value2member_map_ else "private"
    return filing.NewRequest(
        agency_ids=list(form.agency_ids.data or []), title=form.title.data or "",
        records_sought=form.records_sought.data or "", fee_waiver=bool(form.fee_waiver.data),
        expedited=bool(form.expedited.data), max_fee_cents=_cents(form.max_fee.data),
        visibility=Visibility(visibility), embargo_until=form.embargo_until.data, team_id=form.team_id.data)


def _render_new(form, status: int = 200, copied_from: listing.RequestView | None = None):
    return render_template("requests/new.html", form=form,
                           agency_groups=listing.agency_choices(db_session()),
                           selected=set(form.agency_ids.data or []), copied_from=copied_from), status


def _copy_into(form: forms.NewRequestForm, view: listing.RequestView, user: User) -> None:
    """The same request for other agencies: what was asked and how, not where it went or what came back."""
    original = view.request
    form.title.data = original.title
    form.records_sought.data = original.records_sought
    form.fee_waiver.data = original.fee_waiver != FeeWaiver.not_requested
    form.expedited.data = original.expedited
    form.max_fee.data = _dollars(original.max_fee_cents)
    if original.owner_id == user.id:
        form.visibility.data = original.visibility.value
        form.embargo_until.data = original.embargo_until
        form.team_id.data = original.team_id


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    """The new-request form; its POST shows the letters, and "Save as draft" on that page saves them."""
    session = db_session()
    user = actor()
    form = forms.NewRequestForm()
    _team_choices(form, user)
    if request.method == "GET":
        picked = bounded_id(request.args.get("agency"))
        if picked:
            form.agency_ids.data = [picked]
        source = bounded_id(request.args.get("from"))
        if source:
            copied_from = listing.get_request(session, user, source, now())
            _copy_into(form, copied_from, user)
            return _render_new(form, copied_from=copied_from)
        return _render_new(form)
    action = request.form.get("action", "preview")
    if action == "edit":  # back from the preview: the form as it was filled in, no errors yet
        return _render_new(form)
    if not form.validate():
        try:  # the service's own checks too (agencies, embargo, team), so every problem shows at once
            filing.check_new_request(session, user, _new_request_from(form), now())
        except ValidationError as error:
            add_problems(form, error.fields)
        return _render_new(form, 400)
    new = _new_request_from(form)
    letter_texts = {agency_id: request.form.get(f"letter-{agency_id}", "") for agency_id in new.agency_ids
                    if f"letter-{agency_id}" in request.form}
    try:
        if action == "save":
            created = filing.create_requests(session, user, new, now(), letter_texts)
        else:
            drafts = filing.preview_letters(session, user, new, now())
    except ValidationError as error:
        session.rollback()
        letter_errors = {k: v for k, v in error.fields.items() if k.startswith("letter-")}
        if letter_errors:
            drafts = filing.preview_letters(session, user, new, now())
            for draft in drafts:
                draft.text = letter_texts.get(draft.agency.id, draft.text)
            return render_template("requests/preview.html", form=form, drafts=drafts,
                                   letter_errors=letter_errors), 400
        show_errors(form, error)
        return _render_new(form, 400)
    if action == "save":
        session.commit()
        if len(created) > 1:
            flash(f"{len(created)} draft requests saved as one batch. Send them all by email, or mark them "
                  "submitted once you have filed them.", "success")
            return redirect(url_for("requests.batch", batch_id=created[0].batch_id))
        flash(f"Draft {created[0].tracking_code} saved. Send the letter, then mark it submitted.", "success")
        return redirect(url_for("requests.detail", request_id=created[0].id))
    return render_template("requests/preview.html", form=form, drafts=drafts, letter_errors={})


# Reading ------------------------------------------------------------------------------------------

def _default_forms(view: listing.RequestView) -> dict:
    today = view.today
    status_form = forms.StatusForm(prefix="status", formdata=None, data={"on": today})
    status_form.status.choices = forms.status_choices(lifecycle.allowed_statuses(view.request))
    fees = forms.FeesForm(prefix="fees", formdata=None, data={
        "fee_estimate": _dollars(view.request.fee_estimate_cents),
        "fee_paid": _dollars(view.request.fee_paid_cents) if view.request.fee_paid_cents else None,
        "fee_waiver": view.request.fee_waiver.value})
    return {
        "submit_form": forms.SubmitForm(prefix="submit", formdata=None, data={"submitted_on": today}),
        "status_form": status_form,
        "extension_form": forms.ExtensionForm(prefix="extension", formdata=None, data={"on": today}),
        "fees_form": fees,
        "note_form": forms.NoteForm(prefix="note", formdata=None),
        "letter_form": forms.LetterForm(prefix="letter", formdata=None, data={"letter_text": view.request.letter_text}),
        "confirm_form": forms.ConfirmForm(formdata=None),
        "estimate_form": EstimateForm(prefix="estimate", formdata=None,
                                      data={"on": today, "until": view.request.estimated_completion}),
        "remind_form": RemindForm(prefix="remind", formdata=None,
                                  data={"on": view.request.remind_on, "note": view.request.remind_note}),
    }


def _render_detail(view: listing.RequestView, status: int = 200, **overrides):
    page = request_page(db_session(), actor(), now(), view, runtime().config["MAIL_FROM"])
    context = _default_forms(view) if page.can_work else {}
    context.update(overrides)
    return render_template("requests/detail.html", page=page, view=view, foia_request=page.request,
                           can_work=page.can_work, method_labels=forms.METHOD_LABELS, **context), status


@bp.get("/requests/<int:request_id>")
def detail(request_id: int):
    view = listing.get_request(db_session(), actor(), request_id, now())
    return _render_detail(view)


@bp.get("/requests/<int:request_id>/letter.txt")
def letter_text(request_id: int):
    view = listing.get_request(db_session(), actor(), request_id, now())
    return Response(view.request.letter_text, mimetype="text/plain",
                    headers={"Content-Disposition": f'inline; filename="{view.request.tracking_code}.txt"'})


def _render_batch(batch_id: int, submit_form=None, status: int = 200):
    session = db_session()
    view = listing.get_batch(session, actor(), batch_id, now())
    user = actor()
    workable = [m for m in view.members if access.can_work_on(session, user, m.request)]
    drafts = [m for m in workable if m.request.status == Status.draft]
    today = drafts[0].today if drafts else None
    return render_template(
        "requests/batch.html", batch_view=view, can_work=bool(workable), drafts=drafts,
        counts=batches.member_counts(session, user, [m.request.id for m in view.members], now()),
        sendable={m.request.id: batches.sendable(session, user, m) for m in drafts} if user else {},
        submit_form=submit_form or forms.BatchSubmitForm(prefix="batch", formdata=None, data={"submitted_on": today}),
    ), status


@bp.get("/batches/<int:batch_id>")
def batch(batch_id: int):
    return _render_batch(batch_id)


def _report(result: batches.BatchResult, did: str) -> None:
    if result.done:
        flash(f"{len(result.done)} {'request' if len(result.done) == 1 else 'requests'} {did}: "
              + ", ".join(r.tracking_code for r in result.done) + ".", "success")
    for foia_request, reason in result.left:
        flash(f"{foia_request.tracking_code} left as it was: {reason}.", "warning" if result.done else "error")


@bp.route("/batches/<int:batch_id>/send", methods=["GET", "POST"])
@login_required
def send_batch(batch_id: int):
    """Every draft's letter by email to its own agency: shown first, sent on confirmation."""
    session = db_session()
    view = listing.get_batch(session, actor(), batch_id, now())
    if request.method == "POST":
        if not forms.ConfirmForm().validate():
            return redirect(url_for("requests.send_batch", batch_id=batch_id))
        result = outbound.send_batch_letters(session, actor(), batch_id, now(), mail_from=runtime().config["MAIL_FROM"])
        session.commit()
        _report(result, "queued for email and marked submitted; their clocks have started")
        return redirect(url_for("requests.batch", batch_id=batch_id))
    letters = [(m, batches.sendable(session, actor(), m), outbound.subject_for("letter", m.request))
               for m in view.members if m.request.status == Status.draft]
    return render_template("requests/batch_send.html", batch_view=view, letters=letters,
                           ready=[m for m, reason, _ in letters if not reason], confirm_form=forms.ConfirmForm())


@bp.post("/batches/<int:batch_id>/submit")
@login_required
def submit_batch(batch_id: int):
    """Every draft of the batch marked as filed on one day, one way."""
    session = db_session()
    form = forms.BatchSubmitForm(prefix="batch")
    if not form.validate():
        return _render_batch(batch_id, form, 400)
    try:
        result = batches.mark_all_submitted(session, actor(), batch_id, form.submitted_on.data,
                                            SubmissionMethod(form.method.data), now(), note=form.note.data or "",
                                            follow_up_days=_follow_up_days())
    except ValidationError as error:
        session.rollback()
        show_errors(form, error)
        return _render_batch(batch_id, form, 400)
    session.commit()
    _report(result, "marked submitted; their clocks have started")
    return redirect(url_for("requests.batch", batch_id=batch_id))


# Actions on one request ---------------------------------------------------------------------------

def _workable_view(request_id: int) -> listing.RequestView:
    """The request if the actor may work on it (404 for private ones they cannot see, 403 for public ones)."""
    session = db_session()
    access.get_workable_request(session, actor(), request_id, now())
    return listing.get_request(session, actor(), request_id, now())


def _back(request_id: int, anchor: str = ""):
    return redirect(url_for("requests.detail", request_id=request_id) + (f"#{anchor}" if anchor else ""))


def _act(request_id: int, form, form_name: str, action, success: str, anchor: str = ""):
    """Validate `form`, run the service `action()`, commit and go back; else show the page with the errors."""
    session = db_session()
    view = _workable_view(request_id)
    if form.validate():
        try:
            action()
        except InvalidTransition as error:
            session.rollback()
            flash(str(error), "error")
            return _back(request_id)
        except ValidationError as error:
            session.rollback()
            show_errors(form, error)
        else:
            session.commit()
            flash(success, "success")
            return _back(request_id, anchor)
    view = listing.get_request(session, actor(), request_id, now())
    return _render_detail(view, 400, **{form_name: form})


@bp.post("/requests/<int:request_id>/submit")
def submit(request_id: int):
    form = forms.SubmitForm(prefix="submit")
    return _act(request_id, form, "submit_form", lambda: lifecycle.mark_submitted(
        db_session(), actor(), request_id, form.submitted_on.data, SubmissionMethod(form.method.data), now(),
        note=form.note.data or "", follow_up_days=_follow_up_days()), "Marked as submitted. The clock is running.")


def _confirm(view: listing.RequestView, *, heading: str, explanation: str, button: str, action: str,
             fields: dict | None = None, new_status: Status | None = None, danger: bool = False):
    """The page that asks before a change that cannot simply be undone (it works without JavaScript)."""
    return render_template("web/confirm.html", view=view, foia_request=view.request, heading=heading,
                           explanation=explanation, button=button, action=action, fields=fields or {},
                           new_status=new_status, danger=danger)


def _confirm_closing(view: listing.RequestView, new_status: Status, fields: dict, action: str):
    withdrawing = new_status == Status.withdrawn
    return _confirm(view, heading="Withdraw this request?" if withdrawing else f"Mark it “{new_status.label}”?",
                    explanation=forms.CLOSING_WORDS[new_status], action=action, fields=fields,
                    new_status=new_status, danger=withdrawing,
                    button="Yes, withdraw it" if withdrawing else f"Yes, mark it “{new_status.label}”")


@bp.post("/requests/<int:request_id>/status")
def change_status(request_id: int):
    form = forms.StatusForm(prefix="status")
    form.status.choices = forms.status_choices(list(Status))
    if form.validate() and request.form.get("confirmed") != "yes":
        view = _workable_view(request_id)
        new_status = Status(form.status.data)
        if new_status.closes_request and view.request.status.can_become(new_status):
            fields = {name: value for name, value in request.form.items() if name.startswith("status-")}
            return _confirm_closing(view, new_status, fields, url_for("requests.change_status", request_id=request_id))
    return _act(request_id, form, "status_form", lambda: lifecycle.change_status(
        db_session(), actor(), request_id, Status(form.status.data), form.on.data, now(),
        note=form.note.data or "", follow_up_days=_follow_up_days()), "Status changed.", "timeline")


@bp.post("/requests/<int:request_id>/extension")
def extension(request_id: int):
    form = forms.ExtensionForm(prefix="extension")
    return _act(request_id, form, "extension_form", lambda: lifecycle.record_extension(
        db_session(), actor(), request_id, form.on.data, now(), until=form.until.data, note=form.note.data or "",
        follow_up_days=_follow_up_days()), "Extension recorded; the due date moved.", "deadlines")


@bp.post("/requests/<int:request_id>/fees")
def fees(request_id: int):
    form = forms.FeesForm(prefix="fees")
    return _act(request_id, form, "fees_form", lambda: lifecycle.update_fees(
        db_session(), actor(), request_id, now(), estimate_cents=_cents(form.fee_estimate.data),
        paid_cents=_cents(form.fee_paid.data), fee_waiver=FeeWaiver(form.fee_waiver.data)), "Fees saved.", "fees")


@bp.post("/requests/<int:request_id>/notes")
def add_note(request_id: int):
    form = forms.NoteForm(prefix="note")
    return _act(request_id, form, "note_form", lambda: lifecycle.add_note(
        db_session(), actor(), request_id, form.text.data or "", now()), "Note added.", "timeline")


@bp.post("/requests/<int:request_id>/letter")
def update_letter(request_id: int):
    form = forms.LetterForm(prefix="letter")
    if request.form.get("action") == "regenerate":
        form.letter_text.validators = []
        return _act(request_id, form, "letter_form", lambda: filing.regenerate_letter(
            db_session(), actor(), request_id, now()), "Letter rendered again from the template.", "letter")
    return _act(request_id, form, "letter_form", lambda: filing.update_letter(
        db_session(), actor(), request_id, form.letter_text.data or "", now()), "Letter saved.", "letter")


@bp.post("/requests/<int:request_id>/withdraw")
def withdraw(request_id: int):
    form = forms.ConfirmForm()
    view = _workable_view(request_id)
    if request.form.get("confirmed") != "yes" and view.request.status.can_become(Status.withdrawn):
        return _confirm_closing(view, Status.withdrawn, {}, url_for("requests.withdraw", request_id=request_id))
    return _act(request_id, form, "confirm_form", lambda: lifecycle.withdraw(
        db_session(), actor(), request_id, view.today, now()), "Request withdrawn.")


@bp.post("/requests/<int:request_id>/delete")
def delete(request_id: int):
    session = db_session()
    view = _workable_view(request_id)
    form = forms.ConfirmForm()
    if not form.validate():
        return _back(request_id)
    if request.form.get("confirmed") != "yes" and view.request.status == Status.draft:
        return _confirm(view, heading="Delete this draft?", button="Yes, delete the draft", danger=True,
                        explanation="The draft, its letter and its timeline are deleted for good. Nothing was sent "
                                    "to the agency.", action=url_for("requests.delete", request_id=request_id))
    try:
        filing.delete_draft(session, actor(), request_id, now())
    except InvalidTransition as error:
        session.rollback()
        flash(str(error), "error")
        return _back(request_id)
    session.commit()
    flash(f"Draft {view.request.tracking_code} deleted.", "success")
    return redirect(url_for("requests.list_requests"))


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
def edit(request_id: int):
    session = db_session()
    view = _workable_view(request_id)
    foia_request = view.request
    if request.method == "GET":
        form = forms.EditForm(formdata=None, obj=foia_request, data={
            "max_fee": _dollars(foia_request.max_fee_cents), "visibility": foia_request.visibility.value,
            "team_id": foia_request.team_id})
    else:
        form = forms.EditForm()
    owner = session.get(User, foia_request.owner_id)
    _team_choices(form, owner)
    if foia_request.team_id and foia_request.team_id not in [c.value for c in form.team_id.choices]:
        team = session.get(Team, foia_request.team_id)
        form.team_id.choices.append(SelectChoice(team.id, team.name))
    if request.method == "POST":
        visibility = form.visibility.data if form.visibility.data in Visibility._value2member_map_ else "private"
        values = dict(title=form.title.data or "", records_sought=form.records_sought.data or "",
                      agency_tracking_number=form.agency_tracking_number.data or "",
                      max_fee_cents=_cents(form.max_fee.data),
                      expedited=bool(form.expedited.data), auto_follow_up=bool(form.auto_follow_up.data),
                      visibility=Visibility(visibility), embargo_until=form.embargo_until.data,
                      team_id=form.team_id.data, notes=form.notes.data or "")
        if not form.validate():  # the service's own checks too, so every problem shows at once
            add_problems(form, filing.edit_problems(session, actor(), request_id, now(), **values))
        else:
            try:
                filing.edit_request(session, actor(), request_id, now(), **values)
            except ValidationError as error:
                session.rollback()
                show_errors(form, error)
            else:
                session.commit()
                flash("Changes saved.", "success")
                return _back(request_id)
    return render_template("requests/edit.html", form=form, view=view, foia_request=foia_request), \
        (400 if form.errors else 200)

