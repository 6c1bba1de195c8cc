import datetime as dt
import re
from app.models import Role
from tests.conftest import form_post

def test_plan_smoke(client, login_as):
    login_as(Role.executive)
    r = client.get("/plan"); assert r.status_code == 200, r.text
    r = form_post(client, "/plan/message", {"initiative": "Open Lyon depot", "message": "We open Lyon", "starts_on": dt.date.today().isoformat()}, page="/plan")
    assert r.status_code == 303, r.text
    for i in range(6):
        day = (dt.date.today() + dt.timedelta(days=i * 14)).isoformat()
        r = form_post(client, "/plan/items", {"date": day, "network": "x", "format": "video", "source": "news-story", "draft": f"Draft {i}", "status": "idea"}, page="/plan/items/new")
        assert r.status_code == 303, r.text
    r = client.get("/plan?view=list"); assert r.status_code == 200; assert "Submit for review" in r.text, r.text[-3000:]
    r = client.get("/plan"); assert r.status_code == 200
    r = client.get("/plan/items/new?day=2020-01-01"); assert r.status_code == 200
    item = re.search(r'/plan/items/([0-9a-f]{8})"', client.get("/plan?view=list").text).group(1)
    r = client.get(f"/plan/items/{item}"); assert r.status_code == 200, r.text
    r = form_post(client, f"/plan/items/{item}", {"date": dt.date.today().isoformat(), "network": "x", "format": "video", "source": "news-story", "draft": "a"*281, "status": "idea"}, page=f"/plan/items/{item}")
    assert r.status_code == 422 and "1 character over" in r.text, r.text
    r = client.get("/plan/export.ics"); assert r.status_code == 200 and b"BEGIN:VEVENT" in r.content
    r = client.get("/plan/export.csv"); assert r.status_code == 200, r.text
    tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/plan").text).group(1)
    r = client.post("/plan/items-counter", data={"network": "linkedin", "draft": "hello"}, headers={"X-CSRF-Token": tok})
    assert "5 / 3,000" in r.text, r.text
