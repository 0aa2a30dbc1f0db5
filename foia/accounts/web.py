"""Log in, log out, register (confirmed by email), account settings, logins, teams and invitations."""
from email.utils import parseaddr

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session as cookie, url_for
from flask_login import login_required, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from foia.accounts import forms, services
from foia.errors import ValidationError
from foia.web.context import actor, db_session, now, runtime
from foia.web.forms import add_problems, safe_next, show_errors

bp = Blueprint("accounts", __name__)

#: How long a registration link works.
REGISTRATION_LINK_SECONDS = 2 * 24 * 3600


def _log_in(user, remember: bool = False) -> None:
    """Start a login of its own for this browser: the cookies carry its token, checked on every request."""
    token = services.start_login(db_session(), user, now(), request.headers.get("User-Agent", ""))
    db_session().commit()
    login_user(user, remember=remember)
    cookie["_user_id"] = services.login_identity(user, token)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = forms.LoginForm()
    if form.validate_on_submit():
        session = db_session()
        user = services.authenticate(session, form.email.data, form.password.data, now())
        if user is None:
            session.rollback()  # nothing was written: give SQLite's write lock back before the page is drawn
            form.password.errors.append("Wrong email address or password.")
        else:
            session.commit()
            _log_in(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(safe_next(request.args.get("next"), url_for("requests.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    session = db_session()
    services.end_login(session, cookie.get("_user_id"))
    session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("web.index"))


def _registration_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="foia-registration")


def _send_registration_mail(address: str, link: str | None) -> None:
    from foia.mail import outbound, outbox
    from foia.ports import OutgoingEmail

    config = runtime().config
    name = "register_existing" if link is None else "register_confirm"
    subject, body, html = outbound.render_email(name, link=link, login_url=config["BASE_URL"] + url_for("accounts.login"))
    sender = parseaddr(config["MAIL_FROM"])[1] or config["MAIL_FROM"]
    outbox.enqueue(db_session(), OutgoingEmail(to=[address], subject=subject, body=body, html=html),
                   sender=sender, purpose="account", now=now(), sender_name="foia")


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Registration answers the same whether or not the address has an account: a link goes to the address."""
    if not current_app.config["REGISTRATION_OPEN"]:
        abort(404)
    form = forms.RegisterForm()
    if form.is_submitted():
        session = db_session()
        valid = form.validate()
        # The service's rules on the address and password are reported with the form's own, all at once;
        # whether the address already has an account is not among them (its owner gets a mail instead).
        problems = services.new_user_problems(session, form.email.data or "", form.password.data or "",
                                              form.display_name.data or "", tell_existing=False)
        if add_problems(form, problems):
            valid = False
        if valid:
            try:
                claims = services.registration_claims(session, form.email.data, form.password.data,
                                                      form.display_name.data or "")
            except ValidationError as error:
                session.rollback()
                show_errors(form, error)
            else:
                existing = services.find_user(session, claims["email"])
                link = None if existing else runtime().config["BASE_URL"] + url_for(
                    "accounts.confirm_registration", token=_registration_serializer().dumps(claims))
                _send_registration_mail(claims["email"], link)
                session.commit()
                return render_template("accounts/register_sent.html", email=claims["email"])
    return render_template("accounts/register.html", form=form)


@bp.get("/register/confirm/<token>")
def confirm_registration(token: str):
    if not current_app.config["REGISTRATION_OPEN"]:
        abort(404)
    try:
        claims = _registration_serializer().loads(token, max_age=REGISTRATION_LINK_SECONDS)
    except SignatureExpired:
        flash("That link has expired. Register again to get a new one.", "error")
        return redirect(url_for("accounts.register"))
    except BadSignature:
        abort(404)
    session = db_session()
    user = services.complete_registration(session, claims)
    if user is None:
        session.rollback()
        flash("Your account already exists. Log in.", "info")
        return redirect(url_for("accounts.login"))
    session.commit()
    _log_in(user)
    flash("Your account is ready. File your first request below.", "success")
    return redirect(url_for("requests.dashboard"))


def _settings_page(profile, password):
    session = db_session()
    user = actor()
    return render_template("accounts/settings.html", profile=profile, password=password,
                           teams=services.teams_of(session, user), team_form=forms.TeamForm(prefix="team"),
                           invitations=services.pending_invitations(session, user),
                           logins=services.logins_of(session, user))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings():
    user = actor()
    profile = forms.ProfileForm(obj=user, prefix="profile")
    password = forms.PasswordForm(prefix="password")
    session = db_session()
    if request.method == "POST" and "profile-display_name" in request.form and profile.validate_on_submit():
        services.update_profile(session, session.merge(user), display_name=profile.display_name.data or "",
                                signature=profile.signature.data or "")
        session.commit()
        flash("Your profile is saved.", "success")
        return redirect(url_for("accounts.settings"))
    if request.method == "POST" and "password-new_password" in request.form and password.validate_on_submit():
        try:
            services.change_password(session, session.merge(user), password.current_password.data,
                                     password.new_password.data)
        except ValidationError as error:
            session.rollback()
            show_errors(password, error)
        else:
            ended = services.end_other_logins(session, user, cookie.get("_user_id"))
            session.commit()
            flash("Your password is changed." + (f" {ended} other login{'s' if ended != 1 else ''} ended." if ended else ""),
                  "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(profile, password)


@bp.post("/account/logins/end-others")
@login_required
def end_other_logins():
    session = db_session()
    ended = services.end_other_logins(session, actor(), cookie.get("_user_id"))
    session.commit()
    flash(f"Logged out of {ended} other session{'s' if ended != 1 else ''}." if ended
          else "There were no other sessions.", "success")
    return redirect(url_for("accounts.settings"))


@bp.post("/account/invitations/<int:invitation_id>")
@login_required
def answer_invitation(invitation_id: int):
    session = db_session()
    accept = request.form.get("answer") == "accept"
    team = services.answer_invitation(session, actor(), invitation_id, accept)
    session.commit()
    if accept:
        flash(f"You joined {team.name}.", "success")
        return redirect(url_for("accounts.team", team_id=team.id))
    flash(f"Invitation to {team.name} declined.", "info")
    return redirect(url_for("accounts.settings"))


@bp.post("/teams")
@login_required
def create_team():
    form = forms.TeamForm(prefix="team")
    session = db_session()
    if form.validate_on_submit():
        try:
            team = services.create_team(session, actor(), form.name.data)
        except ValidationError as error:
            session.rollback()
            flash(str(error), "error")
        else:
            session.commit()
            flash(f"Team “{team.name}” created. Invite your colleagues below.", "success")
            return redirect(url_for("accounts.team", team_id=team.id))
    else:
        flash("Give the team a name.", "error")
    return redirect(url_for("accounts.settings"))


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@login_required
def team(team_id: int):
    session = db_session()
    team = services.get_team(session, actor(), team_id)
    form = forms.MemberForm()
    if form.validate_on_submit():
        try:
            invitation = services.invite_member(session, actor(), team, form.email.data, now())
        except ValidationError as error:
            session.rollback()
            show_errors(form, error)
        else:
            session.commit()
            flash(f"{invitation.email} is invited to {team.name}. They join once they accept it on their account "
                  "page (after registering, if they have no account yet).", "success")
            return redirect(url_for("accounts.team", team_id=team.id))
    members = services.team_members(session, team)
    return render_template("accounts/team.html", team=team, members=members, form=form,
                           invitations=services.team_invitations(session, team))


@bp.post("/teams/<int:team_id>/invitations/<int:invitation_id>/cancel")
@login_required
def cancel_invitation(team_id: int, invitation_id: int):
    session = db_session()
    team = services.get_team(session, actor(), team_id)
    services.cancel_invitation(session, actor(), team, invitation_id)
    session.commit()
    flash("Invitation withdrawn.", "success")
    return redirect(url_for("accounts.team", team_id=team.id))


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
@login_required
def remove_member(team_id: int, user_id: int):
    session = db_session()
    team = services.get_team(session, actor(), team_id)
    services.remove_member(session, actor(), team, user_id)
    session.commit()
    flash("Member removed.", "success")
    return redirect(url_for("accounts.team", team_id=team.id))
