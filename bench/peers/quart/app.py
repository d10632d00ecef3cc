"""The Send A Hug peer: the original's own stack, Quart + SQLAlchemy (async ORM over asyncpg), from
Debian's packages, serving the two benchmarked reads over Send A Hug's tables:

    GET /                  home: 10 most recent and 10 "suggested" posts, no post with an open report
    GET /posts/new?page=N  newest posts, 5 a page, with total_pages

The models and queries follow the original: `open_report` is a column property (an EXISTS over
open reports), the author's display name comes with the post (eager join, since async sessions
cannot lazy-load), dates go out as HTTP dates through Quart's JSON provider.

Run with Debian's Python: /usr/bin/python3 -m hypercorn -k uvloop -b 127.0.0.1:PORT app:app
Env: DATABASE_URL (postgres://...), DATABASE_SCHEMA (default send_a_hug).
"""

import math
import os

from quart import Quart, jsonify, request
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, and_, exists, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import column_property, declarative_base, joinedload, relationship, sessionmaker

DATABASE_URL = os.environ["DATABASE_URL"].replace("postgres://", "postgresql+asyncpg://", 1)
SCHEMA = os.environ.get("DATABASE_SCHEMA", "send_a_hug")
POSTS_PER_PAGE = 5

Base = declarative_base()


class Report(Base):
    __tablename__ = "reports"
    id = Column(Integer, primary_key=True)
    type = Column(String(10), nullable=False)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    post_id = Column(Integer, ForeignKey("posts.id"))
    reporter = Column(Integer, ForeignKey("users.id"), nullable=False)
    report_reason = Column(String(120), nullable=False)
    date = Column(DateTime)
    dismissed = Column(Boolean, nullable=False, default=False)
    closed = Column(Boolean, nullable=False, default=False)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    display_name = Column(String(60), nullable=False)


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    text = Column(String(480), nullable=False)
    date = Column(DateTime)
    given_hugs = Column(Integer, nullable=False, default=0)
    sent_hugs = Column(ARRAY(Integer))
    author = relationship(User, lazy="raise")
    open_report = column_property(
        exists().where(and_(Report.post_id == id, Report.closed.is_(False))).label("open_report")
    )

    def format(self):
        return {
            "id": self.id,
            "userId": self.user_id,
            "user": self.author.display_name,
            "text": self.text,
            "date": self.date,
            "givenHugs": self.given_hugs,
            "sentHugs": [hug for hug in (self.sent_hugs or []) if hug is not None],
        }


engine = create_async_engine(
    DATABASE_URL,
    pool_size=10,
    max_overflow=0,
    connect_args={"server_settings": {"search_path": SCHEMA}},
)
Session = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

app = Quart(__name__)


def visible_posts():
    return select(Post).options(joinedload(Post.author)).where(Post.open_report.is_(False))


@app.route("/health")
async def health():
    return jsonify({"status": "UP"})


@app.route("/")
async def index():
    async with Session() as session:
        recent = await session.scalars(visible_posts().order_by(Post.date.desc()).limit(10))
        suggested = await session.scalars(
            visible_posts().order_by(Post.given_hugs.asc(), Post.date.asc()).limit(10)
        )
        return jsonify(
            {
                "success": True,
                "recent": [post.format() for post in recent],
                "suggested": [post.format() for post in suggested],
            }
        )


@app.route("/posts/<type>")
async def posts_list(type):
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        page = 1
    page = max(page, 1)
    order = (Post.date.desc(),) if type == "new" else (Post.given_hugs.asc(), Post.date.asc())
    async with Session() as session:
        total = await session.scalar(select(func.count(Post.id)).where(Post.open_report.is_(False)))
        posts = await session.scalars(
            visible_posts().order_by(*order).limit(POSTS_PER_PAGE).offset((page - 1) * POSTS_PER_PAGE)
        )
        return jsonify(
            {
                "success": True,
                "posts": [post.format() for post in posts],
                "total_pages": math.ceil(total / POSTS_PER_PAGE),
            }
        )


@app.after_serving
async def close_pool():
    await engine.dispose()
