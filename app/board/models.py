"""Board settings: work-in-progress limits per column and project."""
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class WipLimit(db.Model):
    """The most cards a column should hold; exceeding it is allowed and shown plainly."""

    __tablename__ = "board_wip_limit"
    __table_args__ = (
        UniqueConstraint("project_id", "status"),
        CheckConstraint("max_items > 0", name="max_items"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    max_items: Mapped[int] = mapped_column(Integer)
