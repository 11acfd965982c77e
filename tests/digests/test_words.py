"""The digest pages' words: the setting for no digest reads "Ingen" (not "Fra", which reads
as "From"), and a sent digest says "Sendt" once."""
import re

from tests.digests.helpers import make_delivery
from tests.pages import shown


def test_the_setting_for_no_digest_is_called_none(world, client, login):
    login(world.users["developer"])
    danish = client.get("/settings", headers={"Accept-Language": "da"}).text
    assert '<option selected value="off">Ingen</option>' in danish
    assert ">Fra</option>" not in danish
    english = client.get("/settings", headers={"Accept-Language": "en"}).text
    assert '<option selected value="off">No digest</option>' in english


def test_a_sent_digest_says_sent_once(world, client, login):
    delivery = make_delivery(world.users["steering"], world.project_a, period_key="2020-W01")
    login(world.users["steering"])
    text = shown(client.get(f"/p/ALPHA/digest/{delivery.id}",
                            headers={"Accept-Language": "da"}).text)
    lead = text[text.index("Fra "):text.index(delivery.recipient)]
    assert len(re.findall(r"\bSendt\b", lead)) == 1, lead
