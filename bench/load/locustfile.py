"""Team load benchmark, step 2: simulated reviewers for locust (bench/load/run.py starts it).

Each simulated user signs in as its own account through the real login form, waits until every
user has signed in (so the password hashing of 20 sign-ins does not land on the measured
requests), then loops with a think time between actions:

- LOAD_SCENARIO=screen: title/abstract screening. It GETs the screening page once ("screen:
  first record"), then, for ever: picks include, exclude or maybe at random and POSTs the vote
  form (CSRF token, the record's id, the vote, empty reason and note). With LOAD_VOTE_VIA=htmx
  (the default, what the page's script does) the POST is answered with the next record; with
  LOAD_VOTE_VIA=form it redirects, and the POST and the GET it redirects to are one timed request.
  Either is "screen: decision + next record". It counts a failure unless the answer shows a new
  record with the "Include: ..." style success message, so a success means the vote was stored.
- LOAD_SCENARIO=records: the records list: page 1, a random page of the 100,000 records by
  number, or the Next link of the page the user is on.
- LOAD_SCENARIO=document: the document viewer (the coding page) of the long PDF, at a random page.
- LOAD_SCENARIO=diagram: the programme theory diagram page (SVG drawn by the server).

In the three read-only scenarios one more user (the owner account) keeps screening, so the
prioritisation retrain keeps running in the background; its requests are reported apart.

Settings come from the environment: LOAD_SLUG, LOAD_USERS (comma-separated usernames),
LOAD_PASSWORD, LOAD_DOCUMENT, LOAD_PAGES, LOAD_RECORD_PAGES, LOAD_WAIT ("min-max" seconds, e.g.
"1-5"; "0" for none), LOAD_SAMPLES (a file that gets one JSON line per request: name, ms, ok, when it ended).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

import gevent
from gevent.event import Event
from locust import HttpUser, between, constant, events, task

SLUG = os.environ.get("LOAD_SLUG", "integrated-care-leadership")
USERS = [u for u in os.environ.get("LOAD_USERS", "").split(",") if u]
OWNER = os.environ.get("LOAD_OWNER", "load-owner")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
SCENARIO = os.environ.get("LOAD_SCENARIO", "screen")
DOCUMENT = int(os.environ.get("LOAD_DOCUMENT", "0"))
PAGES = int(os.environ.get("LOAD_PAGES", "300"))
RECORD_PAGES = int(os.environ.get("LOAD_RECORD_PAGES", "2000"))
SAMPLES = os.environ.get("LOAD_SAMPLES", "")
VIA_HTMX = os.environ.get("LOAD_VOTE_VIA", "htmx") == "htmx"
_low, _, _high = os.environ.get("LOAD_WAIT", "1-5").partition("-")
WAIT = constant(float(_low)) if not _high else between(float(_low), float(_high))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECORD = re.compile(r'name="record" value="(\d+)"')
STORED = re.compile(r'<li class="message success">(Include|Exclude|Maybe): ')

_accounts = itertools.count()
_signed_in = 0
_all_signed_in = Event()
_samples: list[str] = []


@events.request.add_listener
def _keep(request_type, name, response_time, response_length, exception, **_kw) -> None:  # noqa: ANN001
    if SAMPLES:
        _samples.append(
            json.dumps([name, round(response_time, 3), exception is None, round(time.time(), 3)])
        )


@events.quitting.add_listener
def _write(environment, **_kw) -> None:  # noqa: ANN001
    if SAMPLES:
        with open(SAMPLES, "w") as out:
            out.write("\n".join(_samples) + ("\n" if _samples else ""))


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


class _Reviewer(HttpUser):
    abstract = True
    wait_time = WAIT
    username = ""
    screen_url = f"/p/{SLUG}/screening/ta/"

    def sign_in(self) -> None:
        page = self.client.get("/login/", name="login page")
        answer = self.client.post(
            "/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf(page.text),
            },
            name="login",
            headers={"Referer": self.host + "/login/"},
        )
        if answer.url.rstrip("/").endswith("/login"):
            raise RuntimeError(f"{self.username} could not sign in")

    def first_record(self, name: str = "screen: first record") -> None:
        with self.client.get(self.screen_url, name=name, catch_response=True) as r:
            self.record = RECORD.search(r.text)
            self.token = _csrf(r.text)
            if not self.record:
                r.failure("no record offered")

    def decide(self, name: str) -> None:
        if not self.record:
            self.first_record(name.split(":")[0] + ": first record")
            return
        record = self.record.group(1)
        with self.client.post(
            self.screen_url,
            {
                "csrfmiddlewaretoken": self.token,
                "record": record,
                "vote": random.choice(["include", "exclude", "maybe"]),
                "reason": "",
                "note": "",
            },
            name=name,
            headers={
                "Referer": self.host + self.screen_url,
                # As the page's script sends it: the answer is the next record's part of the page.
                **({"HX-Request": "true", "HX-Target": "screen-body"} if VIA_HTMX else {}),
            },
            catch_response=True,
        ) as r:
            self.record = RECORD.search(r.text)
            self.token = _csrf(r.text) or self.token
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif not STORED.search(r.text):
                r.failure("no success message: the vote was not stored")
            elif "?record=" in r.url:
                r.failure("redirected back to the same record")
            elif self.record and self.record.group(1) == record:
                r.failure("the same record was offered again")


class Team(_Reviewer):
    """The 20 reviewers: each signs in as its own account."""

    def on_start(self) -> None:
        global _signed_in
        self.username = USERS[next(_accounts) % len(USERS)]
        self.sign_in()
        _signed_in += 1
        if _signed_in >= len(USERS):
            _all_signed_in.set()
        _all_signed_in.wait(timeout=120)
        # People do not all click at the same instant: each opens the page within the think
        # time, and reads the first record for a think time before voting, as before every
        # later vote (locust runs the first task straight after on_start).
        gevent.sleep(self.wait_time())
        if SCENARIO == "screen":
            self.first_record()
            gevent.sleep(self.wait_time())

    @task
    def work(self) -> None:
        if SCENARIO == "screen":
            self.decide("screen: decision + next record")
        elif SCENARIO == "records":
            # Half the time the reviewer reads on (the Next link, by id); otherwise they open the
            # list or jump to a page by number.
            following = getattr(self, "next_records", "")
            if following and random.random() < 0.5:
                url, name = f"/p/{SLUG}/sources/records/?{following}", "records list (next page)"
            else:
                page = 1 if random.random() < 0.25 else random.randint(2, RECORD_PAGES)
                url, name = f"/p/{SLUG}/sources/records/?page={page}", "records list (page N)"
            with self.client.get(url, name=name, catch_response=True) as answer:
                found = re.search(r'href="\?([^"]*)" rel="next"', answer.text or "")
                self.next_records = found.group(1).replace("&amp;", "&") if found else ""
        elif SCENARIO == "document":
            page = random.randint(1, PAGES)
            self.client.get(
                f"/p/{SLUG}/documents/{DOCUMENT}/?page={page}",
                name=f"document viewer ({PAGES} pages)",
            )
        elif SCENARIO == "diagram":
            self.client.get(f"/p/{SLUG}/theory/diagram/", name="theory diagram")


class BackgroundScreener(_Reviewer):
    """One more user who screens during the read-only scenarios, keeping retrains going."""

    fixed_count = 1  # run.py names this class only in the read-only scenarios

    def on_start(self) -> None:
        self.username = OWNER
        self.sign_in()
        _all_signed_in.wait(timeout=120)
        self.first_record("background: first record")

    @task
    def work(self) -> None:
        self.decide("background: decision + next record")
