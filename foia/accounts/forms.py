"""Login, registration, profile and team forms."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()], render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[DataRequired()], render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me logged in")


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()], render_kw={"autocomplete": "username", "autofocus": True})
    display_name = StringField("Your name", validators=[Length(max=200)], render_kw={"autocomplete": "name"})
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, message="Use at least 8 characters.")],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})


class ProfileForm(FlaskForm):
    display_name = StringField("Your name", validators=[Length(max=200)])
    signature = TextAreaField("Signature under letters", description="Name, address and phone as agencies should see them.")


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(min=8, message="Use at least 8 characters.")])


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[DataRequired(), Length(max=200)])


class MemberForm(FlaskForm):
    email = EmailField("Email address to invite", validators=[DataRequired()])
