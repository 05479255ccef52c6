"""Staff accounts with a role and a home scope (unit or agency), and their API tokens."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.agencies import Agency
from survey.models.base import Base, utcnow
from survey.models.units import Unit

ROLES = ("homeaffairs", "manager", "clerk", "viewer")  # province roles: what a province's administrator assigns
# National roles: every province, read-only, with no home unit or agency; created by the installation's operator
# (`survey users add --role ministry`), never from a province's screens.
NATIONAL_ROLES = ("ministry",)
ALL_ROLES = ROLES + NATIONAL_ROLES
SCOPED = ("(role = 'ministry' AND unit_id IS NULL AND agency_id IS NULL) OR "
          "(role <> 'ministry' AND (unit_id IS NOT NULL OR agency_id IS NOT NULL))")


class User(UserMixin, Base):
    """A staff member; scope = a unit (province or commune) and/or an agency and what lies under it, or (the
    ministry) every province, read-only."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ALL_ROLES}", name="role"),
        # A province role has a home unit or agency; a national one has neither (it is not a scope to widen).
        CheckConstraint(SCOPED, name="scoped"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set when an administrator generated the password (new account or reset): it was seen by someone else, so
    # the account may do nothing but choose its own before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Stored in each session at sign-in and compared on every request: sign-out and password changes or resets
    # raise it, ending every session issued before (API tokens are revoked on their own).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Language of the e-mails sent to this person (scheduled reports, alerts).
    lang: Mapped[str] = mapped_column(String(5), default="vi", server_default="vi")

    unit: Mapped[Unit | None] = relationship()
    agency: Mapped[Agency | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of disabled accounts
        return self.active


class ApiToken(Base):
    """A bearer token for integrations, acting with its user's role and scope; stored hashed."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
