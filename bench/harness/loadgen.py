"""The realistic load: closed-loop virtual members over keep-alive HTTP, as phone apps use the native API.

    python bench/harness/loadgen.py PLAN.json OUT.jsonl

Run as its own process (standard library only), so that its Python does not share a GIL with the
measuring harness. Each of `connections` threads plays one member after another: a visit takes a
member drawn from all accounts (so most caches are cold), then makes 4–12 requests picked by MIX
(home feed pages 1–5 by cursor, Explore, a profile, a post, search, and the writes), always on
what that member was just shown: the post opened, liked or commented on is one from their feed or
Explore, the profile is an author they saw, follows go to authors seen in Explore and are undone
later in the visit. As a phone app does, the posts shown in the feed and Explore are reported to
POST /insights/seen at the end of the visit (up to 100 ids a request; kind "seen", outside MIX: the
visit's 4–12 requests do not include them). Every answer is recorded as (seconds since start, kind, status, latency s);
each post created is printed at once as `POSTED <post id> <author id> <unix time of the 201>` so
the harness can watch for it in followers' timelines (fan-out lag).
"""

import http.client
import json
import random
import sys
import threading
import time
import uuid
from urllib.parse import quote, urlencode

API = "/api/vitrina/v1"
# Share of requests per kind. Feed reads dominate, as they do in a photo app; 10% are writes.
MIX = {
    "feed": 40, "explore": 10, "profile": 6, "profile_posts": 6, "post": 7, "comments": 5,
    "search_accounts": 4, "search_hashtags": 3, "search_posts_common": 3, "search_posts_rare": 3,
    "like": 5, "comment": 2, "follow": 2, "post_photo": 1,
}
WRITES = ("like", "comment", "follow", "post_photo")
FEED_PAGES = 5
SEEN_BATCH = 100  # post ids a POST /insights/seen may name


class Member:
    def __init__(self, pk: int, username: str, token: str):
        self.pk, self.username, self.token = pk, username, token


class Visit:
    """What one member saw during a visit: the base of their next requests."""

    def __init__(self, member: Member, rng: random.Random):
        self.member = member
        self.left = rng.randint(4, 12)
        self.page = 0
        self.cursor = None
        self.posts: list[int] = []  # ids shown in their feed and Explore
        self.authors: list[str] = []
        self.discover: list[str] = []  # authors seen in Explore (followable)
        self.followed: list[str] = []
        self.unreported: dict[str, list[int]] = {"feed": [], "explore": []}  # for POST /insights/seen


class VirtualMember(threading.Thread):
    def __init__(self, n: int, plan: dict, stop_at: float, records: list, out_lock: threading.Lock):
        super().__init__(daemon=True)
        self.rng = random.Random(plan["seed"] * 1000 + n)
        self.plan = plan
        self.stop_at = stop_at
        self.records = records
        self.out_lock = out_lock
        self.conn = None
        kinds = list(MIX)
        self.kinds, self.weights = kinds, [MIX[k] for k in kinds]
        self.visit = None
        self.visits = 0

    # -- HTTP --
    def request(self, kind: str, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        headers = {"Authorization": f"Bearer {self.visit.member.token}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.plan["port"], timeout=30)
            start = time.time()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 1 and time.time() - start < 0.05:
                    continue  # a keep-alive connection the server had closed: reconnect once
                status, data = 0, b""
            latency = time.time() - start
            self.records.append((round(start - self.plan["t0"], 4), kind, status, round(latency, 5)))
            return status, data
        return 0, b""

    def json_of(self, status: int, data: bytes):
        if 200 <= status < 300 and data:
            try:
                return json.loads(data)
            except ValueError:
                return None
        return None

    # -- what a member does --
    def seen(self, items: list[dict], *, explore: bool) -> None:
        for item in items:
            self.visit.posts.append(item["id"])
            self.visit.unreported["explore" if explore else "feed"].append(item["id"])
            author = item.get("author", {}).get("username")
            if author and author != self.visit.member.username:
                self.visit.authors.append(author)
                if explore:
                    self.visit.discover.append(author)

    def feed(self) -> None:
        v = self.visit
        if v.page >= FEED_PAGES or (v.page and not v.cursor):
            v.page, v.cursor = 0, None
        query = f"?cursor={quote(v.cursor)}" if v.cursor else ""
        body = self.json_of(*self.request(f"feed_p{v.page + 1}", "GET", f"{API}/feed{query}"))
        v.page += 1
        if body:
            v.cursor = body.get("next_cursor")
            self.seen(body.get("items", []), explore=False)

    def explore(self) -> None:
        body = self.json_of(*self.request("explore", "GET", f"{API}/explore"))
        if body:
            self.seen(body.get("items", []), explore=True)

    def some_post(self) -> int | None:
        return self.rng.choice(self.visit.posts[-40:]) if self.visit.posts else None

    def some_author(self) -> str:
        if self.visit.authors:
            return self.rng.choice(self.visit.authors[-40:])
        return self.rng.choice(self.plan["members"])[1]

    def search(self, kind: str) -> None:
        words = self.plan["words"]
        if kind == "search_accounts":
            q, type_ = self.rng.choice(words["accounts"]), "accounts"
        elif kind == "search_hashtags":
            q, type_ = self.rng.choice(words["hashtags"]), "hashtags"
        else:
            q, type_ = self.rng.choice(words["common" if kind.endswith("common") else "rare"]), "posts"
        self.request(kind, "GET", f"{API}/search?{urlencode({'q': q, 'type': type_})}")

    def follow(self) -> None:
        v = self.visit
        if v.followed and self.rng.random() < 0.5:
            self.request("unfollow", "DELETE", f"{API}/accounts/{quote(v.followed.pop())}/follow")
            return
        name = self.rng.choice(v.discover[-20:]) if v.discover else self.some_author()
        status, _data = self.request("follow", "POST", f"{API}/accounts/{quote(name)}/follow")
        if status == 200:
            v.followed.append(name)

    def post_photo(self) -> None:
        photo = self.plan["photos"][self.rng.randrange(len(self.plan["photos"]))]
        boundary = uuid.uuid4().hex
        caption = f"{self.rng.choice(self.plan['words']['common'])} by the window #{self.rng.choice(self.plan['words']['tags'])}"
        body = b"".join([
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n{caption}\r\n".encode(),
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"photo.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n".encode(), photo, f"\r\n--{boundary}--\r\n".encode(),
        ])
        status, data = self.request("post_photo", "POST", f"{API}/posts", body, f"multipart/form-data; boundary={boundary}")
        created = self.json_of(status, data)
        if created:
            with self.out_lock:
                print(f"POSTED {created['id']} {self.visit.member.pk} {time.time():.4f}", flush=True)

    def report_seen(self) -> None:
        """The visit's posts on screen, as the app reports them when it goes to the background."""
        for source, ids in self.visit.unreported.items():
            ids = list(dict.fromkeys(ids))
            for start in range(0, len(ids), SEEN_BATCH):
                body = json.dumps({"posts": ids[start:start + SEEN_BATCH], "source": source}).encode()
                self.request("seen", "POST", f"{API}/insights/seen", body, "application/json")
            self.visit.unreported[source] = []

    def one(self, kind: str) -> None:
        if kind == "feed":
            self.feed()
        elif kind == "explore":
            self.explore()
        elif kind == "profile":
            self.request(kind, "GET", f"{API}/accounts/{quote(self.some_author())}")
        elif kind == "profile_posts":
            self.request(kind, "GET", f"{API}/accounts/{quote(self.some_author())}/posts")
        elif kind.startswith("search"):
            self.search(kind)
        elif kind == "follow":
            self.follow()
        elif kind == "post_photo":
            self.post_photo()
        else:
            post = self.some_post()
            if post is None:  # nothing seen yet: a member opens the app on their feed
                self.feed()
            elif kind == "post":
                self.request(kind, "GET", f"{API}/posts/{post}")
            elif kind == "comments":
                self.request(kind, "GET", f"{API}/posts/{post}/comments")
            elif kind == "like":
                self.request(kind, "POST", f"{API}/posts/{post}/like")
            elif kind == "comment":
                text = self.rng.choice(self.plan["comments"])
                self.request(kind, "POST", f"{API}/posts/{post}/comments", json.dumps({"text": text}).encode(),
                             "application/json")

    def run(self) -> None:
        members = self.plan["members"]
        while time.time() < self.stop_at:
            if self.visit is None or self.visit.left <= 0:
                if self.visit is not None:
                    self.report_seen()
                self.visit = Visit(Member(*self.rng.choice(members)), self.rng)
                self.visits += 1
                self.feed()  # a visit opens on the home feed
                continue
            self.visit.left -= 1
            self.one(self.rng.choices(self.kinds, self.weights)[0])
        if self.conn is not None:
            self.conn.close()


def main() -> None:
    plan = json.loads(open(sys.argv[1]).read())
    plan["photos"] = [open(path, "rb").read() for path in plan["photo_paths"]]
    plan["t0"] = time.time()
    stop_at = plan["t0"] + plan["seconds"]
    records: list = []  # list.append is atomic under the GIL
    lock = threading.Lock()
    threads = [VirtualMember(n, plan, stop_at, records, lock) for n in range(plan["connections"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(sys.argv[2], "w") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    print(f"DONE {len(records)} {sum(t.visits for t in threads)}", flush=True)


if __name__ == "__main__":
    main()
