"""Columnar blocks of the responses (services/indices/columns.py): a derived copy, rebuilt from `responses`."""
from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base


class ResponseBlock(Base):
    """The responses of one version, month and province sealed in one batch, as numpy columns in one blob."""

    __tablename__ = "response_blocks"
    # A question reads one version's months (and provinces) up to the sealed mark it started from.
    __table_args__ = (Index("ix_response_blocks_version_month", "instrument_version_id", "month", "root_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    month: Mapped[int] = mapped_column(Integer)  # local month as yyyymm
    root_unit_id: Mapped[int] = mapped_column(Integer)  # the topmost ancestor of the responses' units (province)
    sealed_through: Mapped[int] = mapped_column(BigInteger)  # the seal's upper response id (see ResponseMark)
    rows: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # Code counts and score sums per unit (services/indices/block_summaries.py), made when the block is sealed.
    summary: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class ResponseMark(Base):
    """Per version: every counted response with id ≤ sealed_through is in a block; later ones are read raw."""

    __tablename__ = "response_marks"

    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"), primary_key=True)
    sealed_through: Mapped[int] = mapped_column(BigInteger, default=0)
