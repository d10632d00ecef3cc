"""The Send A Hug peer: the original's own stack, Quart + SQLAlchemy (async ORM over asyncpg), from
Debian's packages, serving the two benchmarked reads over Send A Hug's tables:

    GET /                  home: 10 most recent and 10 "suggested" posts, no post with an open report
    GET /posts/new?page=N  newest posts, 5 a page, with total_pages

The code follows the original (ORM models, the author's display name eagerly joined since async
sessions cannot lazy-load, dates out as HTTP dates through Quart's JSON provider) but reads the
tables as Hearth laid them out, so both sides take the same access path in PostgreSQL and the
comparison is of the stacks, not of the schemas: "no open report" is `open_reports = 0` (a counter
kept by a trigger, with partial indexes for both orders) and the list total is the trigger-kept
`post_totals.visible`. The original computed both with EXISTS over `reports` and count(*), which on
100,000 posts is a sequential scan per request.

Run with Debian's Python: /usr/bin/python3 -m hypercorn -k uvloop -b 127.0.0.1:PORT app:app
Env: DATABASE_URL (postgres://...), DATABASE_SCHEMA (default send_a_hug).
"""

import math
import os

from quart import Quart, jsonify, request
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import declarative_base, joinedload, relationship, sessionmaker

DATABASE_URL = os.environ["DATABASE_URL"].replace("postgres://", "postgresql+asyncpg://", 1)
SCHEMA = os.environ.get("DATABASE_SCHEMA", "send_a_hug")
POSTS_PER_PAGE = 5

Base = declarative_base()


class PostTotals(Base):
    __tablename__ = "post_totals"
    id = Column(Integer, primary_key=True)
    visible = Column(Integer, nullable=False)


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
    open_reports = Column(Integer, nullable=False, default=0)
    author = relationship(User, lazy="raise")

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


NEWEST_FIRST = (Post.date.desc().nulls_last(), Post.id.desc())
SUGGESTED_FIRST = (Post.given_hugs.asc(), Post.date.asc(), Post.id.asc())


def visible_posts():
    return select(Post).options(joinedload(Post.author, innerjoin=True)).where(Post.open_reports == 0)


@app.route("/health")
async def health():
    return jsonify({"status": "UP"})


@app.route("/")
async def index():
    async with Session() as session:
        recent = await session.scalars(visible_posts().order_by(*NEWEST_FIRST).limit(10))
        suggested = await session.scalars(visible_posts().order_by(*SUGGESTED_FIRST).limit(10))
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
    order = NEWEST_FIRST if type == "new" else SUGGESTED_FIRST
    async with Session() as session:
        total = await session.scalar(select(PostTotals.visible).where(PostTotals.id == 1))
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
