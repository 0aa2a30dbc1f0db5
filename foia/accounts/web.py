"""Log in, log out, register, account settings and teams."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from foia.accounts import forms, services
from foia.errors import ValidationError
from foia.web.context import actor, db_session, now
from foia.web.forms import add_problems, safe_next, show_errors

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = forms.LoginForm()
    if form.validate_on_submit():
        session = db_session()
        user = services.authenticate(session, form.email.data, form.password.data, now())
        if user is None:
            form.password.errors.append("Wrong email address or password.")
        else:
            session.commit()
            login_user(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(safe_next(request.args.get("next"), url_for("requests.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("web.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if not current_app.config["REGISTRATION_OPEN"]:
        abort(404)
    form = forms.RegisterForm()
    if form.is_submitted():
        session = db_session()
        valid = form.validate()
        # The service's rules on the address and password are reported with the form's own: all at once.
        if add_problems(form, services.new_user_problems(session, form.email.data or "", form.password.data or "")):
            valid = False
        if valid:
            try:
                user = services.create_user(session, form.email.data, form.password.data,
                                            display_name=form.display_name.data or "")
            except ValidationError as error:
                session.rollback()
                show_errors(form, error)
            else:
                session.commit()
                login_user(user)
                flash("Your account is ready. File your first request below.", "success")
                return redirect(url_for("requests.dashboard"))
    return render_template("accounts/register.html", form=form)


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
            session.commit()
            flash("Your password is changed.", "success")
            return redirect(url_for("accounts.settings"))
    teams = services.teams_of(session, user)
    return render_template("accounts/settings.html", profile=profile, password=password, teams=teams,
                           team_form=forms.TeamForm(prefix="team"))


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
            flash(f"Team “{team.name}” created. Add your colleagues below.", "success")
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
            user = services.add_member(session, actor(), team, form.email.data)
        except ValidationError as error:
            session.rollback()
            show_errors(form, error)
        else:
            session.commit()
            flash(f"{user.email} is now in {team.name}.", "success")
            return redirect(url_for("accounts.team", team_id=team.id))
    members = services.team_members(session, team)
    return render_template("accounts/team.html", team=team, members=members, form=form)


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
@login_required
def remove_member(team_id: int, user_id: int):
    session = db_session()
    team = services.get_team(session, actor(), team_id)
    services.remove_member(session, actor(), team, user_id)
    session.commit()
    flash("Member removed.", "success")
    return redirect(url_for("accounts.team", team_id=team.id))
